import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLive } from '../live-store.js';
import { ago, Badge, duration, ErrorNote, useAsync } from '../ui.js';
import type { Device } from './devices.js';

/** A voice run as `GET /api/v1/runs` and the `run` live event carry it. */
export interface Run {
  id: string;
  deviceId: string;
  kind: string | null;
  startedAt: number;
  endedAt: number | null;
  reason: string | null;
  events: { type: string; at: number; data?: Record<string, unknown> }[];
}

/** The stages of the waterfall: each spans from its start event to its end event. */
const STAGES = [
  { name: 'endpoint', start: 'capture-start', end: 'capture-end' },
  { name: 'STT', start: 'stt-start', end: 'stt-end' },
  { name: 'intent', start: 'intent-start', end: 'intent-end' },
  { name: 'action', start: 'action-start', end: 'action-end' },
  { name: 'reply', start: 'action-end', end: 'reply' },
] as const;

const OUTCOMES = ['done', 'error', 'not-understood', 'no-speech', 'muted', 'too-short', 'arbitration-lost', 'open'] as const;

function at(run: Run, type: string): number | undefined {
  return run.events.find((e) => e.type === type)?.at;
}

function data(run: Run, type: string): Record<string, unknown> | undefined {
  return run.events.find((e) => e.type === type)?.data;
}

/** The outcome a filter matches: the end reason, or "open" while the run goes on. */
export function outcomeOf(run: Run): string {
  return run.reason ?? 'open';
}

function Waterfall({ run }: { run: Run }) {
  const spans = STAGES.flatMap((s) => {
    const a = at(run, s.start);
    const b = at(run, s.end);
    return a !== undefined && b !== undefined && b >= a ? [{ name: s.name, a, b }] : [];
  });
  if (spans.length === 0) return <p class="hint">No timed stages.</p>;
  const t0 = Math.min(...spans.map((s) => s.a));
  const total = Math.max(1, Math.max(...spans.map((s) => s.b)) - t0);
  return (
    <ol class="waterfall" aria-label="stage times">
      {spans.map((s) => (
        <li key={s.name} data-stage={s.name}>
          <span class="stage-name">{s.name}</span>
          <span class="stage-track" aria-hidden="true">
            <span class="stage-bar" style={{ marginLeft: `${((s.a - t0) / total) * 100}%`, width: `${Math.max(0.5, ((s.b - s.a) / total) * 100)}%` }} />
          </span>
          <span class="stage-ms">{duration(s.b - s.a)}</span>
        </li>
      ))}
    </ol>
  );
}

function RunCard({ run, deviceName, meanings }: { run: Run; deviceName: string; meanings: Record<string, string> }) {
  const wake = data(run, 'wake');
  const stt = data(run, 'stt-end');
  const intent = data(run, 'intent-end');
  const action = data(run, 'action-end') ?? data(run, 'action-start');
  const reply = data(run, 'reply');
  const error = data(run, 'error');
  const outcome = outcomeOf(run);
  const code = typeof error?.['code'] === 'string' ? error['code'] : undefined;
  return (
    <article class="run" data-run={run.id} data-outcome={outcome} aria-labelledby={`run-${run.id}`}>
      <header class="row wrap">
        <h3 id={`run-${run.id}`}>{deviceName}</h3>
        <Badge tone={outcome === 'done' ? 'ok' : outcome === 'error' ? 'bad' : outcome === 'open' ? 'info' : 'muted'}>{outcome}</Badge>
        <span class="hint">
          {run.kind ?? 'run'} · {ago(run.startedAt)}
          {wake?.['trigger'] ? ` · trigger: ${String(wake['trigger'])}` : ''}
        </span>
      </header>
      {stt?.['text'] !== undefined && (
        <p class="transcript" data-field="transcript">
          “{String(stt['text'])}”
        </p>
      )}
      <dl class="facts">
        {intent && (
          <>
            <dt>Decision</dt>
            <dd data-field="decision">
              {String(intent['intent'] ?? 'none')}
              {intent['tier'] !== undefined ? ` · tier ${String(intent['tier'])}` : ''}
              {intent['path'] ? ` · ${String(intent['path'])} path` : ''}
            </dd>
          </>
        )}
        {action && (
          <>
            <dt>Home Assistant</dt>
            <dd data-field="ha-call">
              {String(action['domain'])}.{String(action['service'])} {Array.isArray(action['entityIds']) ? (action['entityIds'] as string[]).join(', ') : ''}
              {action['ok'] === false ? ' (failed)' : ''}
            </dd>
          </>
        )}
        {reply?.['text'] !== undefined && (
          <>
            <dt>Reply</dt>
            <dd>{String(reply['text'])}</dd>
          </>
        )}
      </dl>
      {code && (
        <p class="error" data-field="error">
          <code>{code}</code> {meanings[code] ?? String(error?.['message'] ?? '')}
          {meanings[code] && error?.['message'] ? <span class="hint"> ({String(error['message'])})</span> : null}
        </p>
      )}
      <Waterfall run={run} />
    </article>
  );
}

/** Voice runs as they happen: the newest first, filtered by device and outcome. */
export function RunsPage() {
  const devices = useAsync(() => api<{ devices: Device[] }>('GET', '/devices'));
  const meanings = useAsync(() => api<{ codes: Record<string, string> }>('GET', '/errors'));
  const [device, setDevice] = useState('');
  const [outcome, setOutcome] = useState('');
  const { data, error, reload } = useAsync(() => api<{ runs: Run[] }>('GET', `/runs?limit=100${device ? `&device=${device}` : ''}`), [device]);
  const [liveRuns, setLiveRuns] = useState<Map<string, Run>>(new Map());
  useLive(['run'], (e) => {
    const run = (e.data as { run: Run }).run;
    setLiveRuns((m) => new Map(m).set(run.id, run));
  });
  useLive(['connection'], () => void reload());

  const merged = new Map<string, Run>();
  for (const r of data?.runs ?? []) merged.set(r.id, r);
  for (const r of liveRuns.values()) merged.set(r.id, r);
  const runs = [...merged.values()]
    .filter((r) => (device ? r.deviceId === device : true) && (outcome ? outcomeOf(r) === outcome : true))
    .sort((a, b) => b.startedAt - a.startedAt)
    .slice(0, 100);
  const names = new Map((devices.data?.devices ?? []).map((d) => [d.id, d.name]));

  return (
    <>
      <form class="filters row wrap" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <label>
          Device
          <select name="device" value={device} onChange={(e) => setDevice((e.target as HTMLSelectElement).value)}>
            <option value="">all devices</option>
            {(devices.data?.devices ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select name="outcome" value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>
            <option value="">all outcomes</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNote error={error} />
      <div class="runs" aria-live="polite">
        {runs.length === 0 && <p>No runs{device || outcome ? ' match the filters' : ' yet: speak to a device, or press its button'}.</p>}
        {runs.map((r) => (
          <RunCard key={r.id} run={r} deviceName={names.get(r.deviceId) ?? r.deviceId} meanings={meanings.data?.codes ?? {}} />
        ))}
      </div>
    </>
  );
}
