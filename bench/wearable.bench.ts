/**
 * Firmware figure: `wearable.c_encode_ns_per_frame` — the C library's cost per 20 ms, 16 kHz frame
 * (IMA-ADPCM encode, header encode, HMAC tag with a keyed mbedTLS context), timed inside the host-built
 * driver so process start and pipes are not counted. On the ESP32-S3 the figure is larger; this one
 * tracks regressions in the C code.
 */
import { rmSync } from 'node:fs';
import { buildFirmwareDriver, runFirmwareDriver } from '../wearable-ts-bridge/test/firmware/build-driver.js';
import { distribution } from './lib.js';
import type { Benchmark } from './lib.js';

/** The wearable benchmarks. */
export const benchmarks: Benchmark[] = [
  {
    name: 'wearable.',
    run(emit) {
      const { driver, dir } = buildFirmwareDriver();
      try {
        const answers = runFirmwareDriver(driver, Array.from({ length: 30 }, () => 'bench 2000'));
        const samples = answers.map((line) => {
          const [word, value] = line.split(' ');
          if (word !== 'ok') throw new Error(`driver answered "${line}"`);
          return Number(value);
        });
        emit(distribution('wearable.c_encode_ns_per_frame', 'ns', samples, { frame: '20 ms IMA-ADPCM 16 kHz + HMAC', batch: 2000 }));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
