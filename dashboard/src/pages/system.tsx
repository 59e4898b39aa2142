import { useEffect } from 'preact/hooks';
import { api } from '../api.js';
import { useLive } from '../live-store.js';
import { Badge, ErrorNote, Section, useAsync } from '../ui.js';

/** `GET /api/v1/system`. */
export interface SystemInfo {
  version: string;
  startedAt: string;
  features: { id: string; name: string; on: boolean; reason: string; enable: string | null }[];
  homeAssistant: { configured: boolean; state: string; url: string | null; entities: number | null };
}

/** `GET /api/v1/models`. */
export interface ModelInfo {
  name: string;
  kind: string;
  file: string;
  present: boolean;
  bytes: number | null;
  sizeBytes: number | null;
  licence: string | null;
  pull: { state: 'running' | 'done' | 'failed'; receivedBytes: number; totalBytes: number | null; error: string | null } | null;
}

function mib(n: number | null): string {
  return n === null ? '—' : `${(n / 2 ** 20).toFixed(0)} MiB`;
}

/** System: features on and off with why and how to turn them on, models and pulls, Home Assistant. */
export function SystemPage() {
  const sys = useAsync(() => api<SystemInfo>('GET', '/system'));
  const models = useAsync(() => api<{ models: ModelInfo[] }>('GET', '/models'));
  useLive(['model'], () => void models.reload());
  // While a pull runs, its progress comes from GET /models once a second.
  const pulling = (models.data?.models ?? []).some((m) => m.pull?.state === 'running');
  useEffect(() => {
    if (!pulling) return;
    const timer = setInterval(() => void models.reload(), 1000);
    return () => clearInterval(timer);
  }, [pulling]);
  const pull = async (name: string) => {
    await api('POST', `/models/${encodeURIComponent(name)}/pull`).catch(() => undefined);
    await models.reload();
  };

  return (
    <>
      <ErrorNote error={sys.error ?? models.error} />
      <Section title="Home Assistant">
        {sys.data && (
          <p data-field="ha">
            <Badge tone={sys.data.homeAssistant.state === 'connected' ? 'ok' : sys.data.homeAssistant.configured ? 'bad' : 'muted'}>{sys.data.homeAssistant.state}</Badge>{' '}
            {sys.data.homeAssistant.url ?? 'not configured (set home_assistant.url and a token)'}
            {sys.data.homeAssistant.entities !== null ? ` · ${sys.data.homeAssistant.entities} entities` : ''}
          </p>
        )}
      </Section>
      <Section title="Features">
        <ul class="features">
          {(sys.data?.features ?? []).map((f) => (
            <li key={f.id} data-feature={f.id}>
              <div class="row wrap">
                <Badge tone={f.on ? 'ok' : 'warn'}>{f.on ? 'on' : 'off'}</Badge>
                <strong>{f.name}</strong>
              </div>
              <p class="hint">{f.reason}</p>
              {!f.on && f.enable && (
                <p>
                  To turn it on: <code>{f.enable}</code>
                </p>
              )}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Models">
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Models the hub knows, and whether each is present</caption>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Kind</th>
                <th scope="col">Present</th>
                <th scope="col">Size</th>
                <th scope="col">Pull</th>
              </tr>
            </thead>
            <tbody>
              {(models.data?.models ?? []).map((m) => (
                <tr key={m.name} data-model={m.name}>
                  <th scope="row">
                    {m.name}
                    {m.licence && <div class="hint">licence: {m.licence}</div>}
                  </th>
                  <td>{m.kind}</td>
                  <td>{m.present ? <Badge tone="ok">present</Badge> : <Badge tone="muted">missing</Badge>}</td>
                  <td>{mib(m.bytes ?? m.sizeBytes)}</td>
                  <td>
                    {m.pull?.state === 'running' ? (
                      <progress aria-label={`pulling ${m.name}`} max={m.pull.totalBytes ?? undefined} value={m.pull.receivedBytes}>
                        {mib(m.pull.receivedBytes)}
                      </progress>
                    ) : m.present ? (
                      ''
                    ) : (
                      <button type="button" onClick={() => void pull(m.name)}>
                        Pull {m.name}
                      </button>
                    )}
                    {m.pull?.state === 'failed' && <p class="error">{m.pull.error}</p>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      {sys.data && (
        <p class="hint">
          Jarvis {sys.data.version}, running since {new Date(sys.data.startedAt).toLocaleString()}. API reference (OpenAPI): <a href="/api/openapi.json">/api/openapi.json</a>.
        </p>
      )}
    </>
  );
}
