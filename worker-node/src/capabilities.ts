import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { availableParallelism, hostname, totalmem } from 'node:os';
import type { Capabilities, Gpu } from '@jarvis/protocol';

/** Worker software version reported to the hub. */
export const WORKER_VERSION = '0.1.0';

/** GPUs through `nvidia-smi` when it is installed; an empty list when it is not or fails. */
export function detectGpus(command = 'nvidia-smi'): Promise<Gpu[]> {
  return new Promise((resolve) => {
    execFile(command, ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], { timeout: 5_000 }, (err, stdout) => {
      if (err) return resolve([]);
      resolve(parseNvidiaSmi(stdout));
    });
  });
}

/** Parses `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` (memory in MiB). */
export function parseNvidiaSmi(text: string): Gpu[] {
  const out: Gpu[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.+),\s*(\d+)\s*$/.exec(line.trim());
    if (m) out.push({ name: m[1]!.trim(), memoryBytes: Number(m[2]) * 1024 * 1024 });
  }
  return out;
}

/** Model files in `dir` (names only); none when the directory is missing. */
export async function listModels(dir: string | undefined): Promise<string[]> {
  if (!dir) return [];
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/** What this machine offers: cores, memory, GPUs, models present, and the task types it has handlers for. */
export async function detectCapabilities(taskTypes: readonly string[], modelsDir?: string): Promise<Capabilities> {
  const [gpus, models] = await Promise.all([detectGpus(), listModels(modelsDir)]);
  return {
    cpuCores: availableParallelism(),
    memoryBytes: totalmem(),
    gpus,
    models,
    taskTypes: [...taskTypes].sort(),
    version: WORKER_VERSION,
    hostname: hostname(),
  };
}
