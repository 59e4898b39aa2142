/**
 * `edge.cpu_pct_streaming`: the satellite agent's own CPU while it streams 16 kHz audio to a hub —
 * the built `jarvis-edge run` as a child process (file source at capture speed, looping espeak-ng
 * speech), measured from /proc/<pid>/stat over a fixed window after warm-up. The hub runs in this
 * process, so its work is not counted. Percent of one core.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './lib.js';

const CLI = fileURLToPath(new URL('../edge-agent/dist/cli.js', import.meta.url));
const WARMUP_MS = 3000;
const WINDOW_MS = 10_000;

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function measure(codec: 'pcm16' | 'adpcm', wav: string, bundleFile: string, audio: () => number): Promise<{ pct: number; samples: number }> {
  const child = spawn(process.execPath, [CLI, 'run', '--bundle', bundleFile, '--source', 'file', '--file', wav, '--loop', '--codec', codec, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const pid = child.pid as number;
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const hz = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    const t0 = cpuTicks(pid);
    const s0 = audio();
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const ticks = cpuTicks(pid) - t0;
    const wall = performance.now() - w0;
    const samples = audio() - s0;
    return { pct: Math.round(((ticks / hz) * 1000 * 100 * 100) / wall) / 100, samples };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'edge.',
    async run(emit) {
      const { startTestHub } = await import('../hub/test/helpers/test-hub.js');
      const { getAudioFixture } = await import('../tests/fixtures/audio/index.js');
      const { encodeWav } = await import('@jarvis/edge-agent');
      const dir = mkdtempSync(join(tmpdir(), 'jarvis-edge-bench-'));
      const t = await startTestHub();
      try {
        const wav = join(dir, 'speech.wav');
        writeFileSync(wav, encodeWav(getAudioFixture('lights.en-us').samples, 16000));
        for (const codec of ['pcm16', 'adpcm'] as const) {
          const bundle = t.addDevice(`bench-${codec}`, 'satellite');
          const bundleFile = join(dir, `${codec}.json`);
          writeFileSync(bundleFile, JSON.stringify(bundle));
          let forwarded = 0;
          const off = t.hub.parts.ingest.onAudio((c) => {
            if (c.deviceId === bundle.deviceId) forwarded += c.samples.length;
          });
          const { pct, samples } = await measure(codec, wav, bundleFile, () => forwarded);
          off();
          emit({
            name: codec === 'pcm16' ? 'edge.cpu_pct_streaming' : 'edge.cpu_pct_streaming_adpcm',
            value: pct,
            unit: '% of one core',
            codec,
            sampleRate: 16000,
            frameMs: 20,
            windowS: WINDOW_MS / 1000,
            // Proof the agent really streamed during the window: samples the hub forwarded per second.
            hubSamplesPerS: Math.round((samples / WINDOW_MS) * 1000),
          });
        }
      } finally {
        await t.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
