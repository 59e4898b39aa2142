import { defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const src = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Every workspace's tests run from the root; packages resolve to their sources, so no build is needed first. */
export default defineConfig({
  resolve: {
    alias: {
      '@jarvis/protocol': src('./protocol/src/index.ts'),
      '@jarvis/whisper': src('./whisper-native/src/index.ts'),
      '@jarvis/hub': src('./hub/src/index.ts'),
      '@jarvis/ha-simulator': src('./ha-simulator/src/index.ts'),
      '@jarvis/edge-agent': src('./edge-agent/src/index.ts'),
      '@jarvis/wearable': src('./wearable-ts-bridge/src/index.ts'),
      '@jarvis/worker': src('./worker-node/src/index.ts'),
    },
  },
  test: {
    include: ['*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    globals: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time even on a 2-core machine (CI): most files wait on servers, child processes and
    // timers, so a second worker fills the idle core (vitest's default leaves one core free: one worker there).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['./tests/global-setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['protocol/src/**/*.ts'],
      exclude: ['protocol/src/generated/**'],
      thresholds: { lines: 95 },
    },
  },
});
