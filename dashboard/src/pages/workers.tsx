import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLive } from '../live-store.js';
import { ago, Badge, ConfirmDialog, CopyBox, ErrorNote, Section, useAsync } from '../ui.js';

/** A worker as `GET /api/v1/workers` lists it. */
export interface Worker {
  id: string;
  name: string;
  labels: Record<string, string>;
  capabilities: { cpuCores?: number; memoryBytes?: number; gpus?: { name: string; memoryBytes?: number }[]; models?: string[]; taskTypes?: string[]; version?: string; hostname?: string };
  online: boolean;
  lastSeenAt: string | null;
  enrolledAt: string;
}

/** A task as `GET /api/v1/tasks` lists it. */
export interface Task {
  id: string;
  type: string;
  state: string;
  attempts: number;
  maxAttempts: number;
  worker: string | null;
  error: { code?: string; message?: string } | string | null;
  createdAt: string;
  updatedAt: string;
}

/** What `POST /api/v1/workers/tokens` answers: the token (shown once) and the command that reads it on stdin. */
export interface CreatedJoinToken {
  id: string;
  token: string;
  expiresAt: string;
  maxUses: number;
  hub: string;
  command: string;
}

const STATES = ['queued', 'leased', 'dead', 'failed', 'succeeded', 'cancelled'];

function gib(bytes: number | undefined): string {
  return bytes === undefined ? '—' : `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function errorText(e: Task['error']): string {
  if (!e) return '';
  if (typeof e === 'string') return e;
  return [e.code, e.message].filter(Boolean).join(': ');
}

/** Workers, the task queue by state, dead-letter retry and join tokens with the enroll command. */
export function WorkersPage() {
  const workers = useAsync(() => api<{ workers: Worker[] }>('GET', '/workers'));
  const tasks = useAsync(() => api<{ tasks: Task[] }>('GET', '/tasks?limit=200'));
  useLive(['worker'], () => void workers.reload());
  useLive(['task'], () => void tasks.reload());
  const [created, setCreated] = useState<CreatedJoinToken | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const [ttl, setTtl] = useState('60');
  const [uses, setUses] = useState('1');
  const [error, setError] = useState<unknown>(undefined);

  const retry = async (t: Task) => {
    try {
      await api('POST', `/tasks/${t.id}/retry`);
      setError(undefined);
    } catch (err) {
      setError(err);
    }
    await tasks.reload();
  };

  const byState = new Map<string, Task[]>();
  for (const t of tasks.data?.tasks ?? []) byState.set(t.state, [...(byState.get(t.state) ?? []), t]);

  return (
    <>
      <ErrorNote error={workers.error ?? tasks.error ?? error} />
      <Section title="Workers">
        {(workers.data?.workers ?? []).length === 0 ? (
          <p>No workers enrolled. Create a join token below and run the command on the machine.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Enrolled workers</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">State</th>
                  <th scope="col">Hardware</th>
                  <th scope="col">Can do</th>
                  <th scope="col">Version</th>
                  <th scope="col">Last heartbeat</th>
                </tr>
              </thead>
              <tbody>
                {workers.data!.workers.map((w) => (
                  <tr key={w.id} data-worker={w.id}>
                    <th scope="row">
                      {w.name}
                      <div class="hint">{w.capabilities.hostname ?? w.id}</div>
                    </th>
                    <td>
                      <Badge tone={w.online ? 'ok' : 'muted'}>{w.online ? 'online' : 'offline'}</Badge>
                    </td>
                    <td>
                      {w.capabilities.cpuCores ?? '?'} cores, {gib(w.capabilities.memoryBytes)}
                      {(w.capabilities.gpus ?? []).map((g) => (
                        <div key={g.name}>{g.name}</div>
                      ))}
                    </td>
                    <td>{[...(w.capabilities.taskTypes ?? []), ...(w.capabilities.models ?? [])].join(', ') || '—'}</td>
                    <td>{w.capabilities.version ?? '—'}</td>
                    <td>{ago(w.lastSeenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="Add a worker">
        {created ? (
          <div class="join" aria-live="polite">
            <p>
              The join token works {created.maxUses === 1 ? 'once' : `${created.maxUses} times`} until {new Date(created.expiresAt).toLocaleString()} and is shown only now. Run this on the new machine: the worker reads the token from standard input, never from its command line.
            </p>
            <CopyBox label="enroll command" text={created.command} />
            <details>
              <summary>The token alone (for --token-file FILE)</summary>
              <CopyBox label="join token" text={created.token} />
            </details>
            <button type="button" onClick={() => setCreated(undefined)}>
              Done, hide it
            </button>
          </div>
        ) : (
          <form
            class="grid-form"
            aria-label="Create a join token"
            onSubmit={(e) => {
              e.preventDefault();
              setCreating(true);
            }}
          >
            <label>
              Valid for (minutes) <input name="ttl" type="number" min={1} max={10080} required value={ttl} onInput={(e) => setTtl((e.target as HTMLInputElement).value)} />
            </label>
            <label>
              Uses <input name="uses" type="number" min={1} max={100} required value={uses} onInput={(e) => setUses((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="primary">
              Create join token
            </button>
          </form>
        )}
      </Section>

      <Section title="Tasks">
        {STATES.filter((s) => byState.has(s)).length === 0 && <p>No tasks.</p>}
        {STATES.filter((s) => byState.has(s)).map((s) => (
          <details key={s} open={s !== 'succeeded' && s !== 'cancelled'} data-state={s}>
            <summary>
              {s} ({byState.get(s)!.length})
            </summary>
            <ul class="tasks">
              {byState.get(s)!.map((t) => (
                <li key={t.id} data-task={t.id}>
                  <div class="row wrap">
                    <code>{t.type}</code>
                    <span class="hint">
                      {t.id} · attempts {t.attempts}/{t.maxAttempts} · updated {ago(t.updatedAt)}
                      {t.worker ? ` · lease: ${t.worker}` : ''}
                    </span>
                    {t.state === 'dead' && (
                      <button type="button" onClick={() => void retry(t)}>
                        Retry
                      </button>
                    )}
                  </div>
                  {t.error && <p class="error">{errorText(t.error)}</p>}
                </li>
              ))}
            </ul>
          </details>
        ))}
      </Section>

      <ConfirmDialog
        open={creating}
        title="Create a join token"
        confirmLabel="Create"
        onClose={() => setCreating(false)}
        onConfirm={async () => {
          setCreated(await api<CreatedJoinToken>('POST', '/workers/tokens', { ttlMinutes: Number(ttl), uses: Number(uses) }));
        }}
      >
        <p>
          Anyone holding this token can enroll {Number(uses) === 1 ? 'one machine' : `${uses} machines`} as a worker in the next {ttl} minutes.
        </p>
      </ConfirmDialog>
    </>
  );
}
