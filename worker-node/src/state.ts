import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { WorkerError } from './errors.js';

/** What `jarvis-worker enroll` leaves in the state directory (besides the PEM files). */
const identitySchema = z.object({
  version: z.literal(1),
  workerId: z.string().min(1),
  hub: z.string().min(1),
  name: z.string(),
  caFingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  labels: z.record(z.string(), z.string()),
  enrolledAt: z.number(),
});

/** A worker's enrollment: who it is, where the hub is, and the PEMs for mTLS. */
export interface WorkerIdentity extends z.infer<typeof identitySchema> {
  keyPem: string;
  certChainPem: string;
  caPem: string;
}

/** The state directory: `--state-dir`, else `$JARVIS_WORKER_STATE_DIR`, else `~/.local/share/jarvis-worker`. */
export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  const fromEnv = env['JARVIS_WORKER_STATE_DIR'];
  if (fromEnv) return resolve(fromEnv);
  return join(env['HOME'] ?? homedir(), '.local', 'share', 'jarvis-worker');
}

/** Writes the identity; the private key is readable by the owner only. Each file is replaced atomically. */
export async function saveIdentity(dir: string, id: WorkerIdentity): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const put = async (name: string, text: string, mode: number): Promise<void> => {
    const tmp = join(dir, `.${name}.tmp`);
    await writeFile(tmp, text, { mode });
    await rename(tmp, join(dir, name));
  };
  const { keyPem, certChainPem, caPem, ...meta } = id;
  await put('worker.key', keyPem, 0o600);
  await put('worker.crt', certChainPem, 0o644);
  await put('ca.crt', caPem, 0o644);
  await put('worker.json', `${JSON.stringify(meta, null, 2)}\n`, 0o644);
}

/** Reads the identity, or throws JARVIS_WORKER_NOT_ENROLLED / JARVIS_WORKER_BAD_STATE. */
export async function loadIdentity(dir: string): Promise<WorkerIdentity> {
  let metaText: string;
  try {
    metaText = await readFile(join(dir, 'worker.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new WorkerError('JARVIS_WORKER_NOT_ENROLLED', `no enrollment in ${dir}; run: jarvis-worker enroll --hub HOST:PORT --token TOKEN --state-dir ${dir}`);
    throw err;
  }
  try {
    const meta = identitySchema.parse(JSON.parse(metaText));
    const [keyPem, certChainPem, caPem] = await Promise.all(['worker.key', 'worker.crt', 'ca.crt'].map((f) => readFile(join(dir, f), 'utf8')));
    return { ...meta, keyPem: keyPem!, certChainPem: certChainPem!, caPem: caPem! };
  } catch (err) {
    throw new WorkerError('JARVIS_WORKER_BAD_STATE', `state directory ${dir} is corrupt: ${(err as Error).message}`);
  }
}
