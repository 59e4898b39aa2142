import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from './api.js';

/** "12 s ago", "3 min ago", or the date for older times; "never" for null. */
export function ago(iso: string | number | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(t)) return 'unknown';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(t).toLocaleString();
}

/** A duration in ms as "850 ms", "4.2 s", "3 min 5 s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A rate in 0..1 as a percentage with one decimal. */
export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)} %`;
}

/** Loads data once and on `reload()`; errors are kept for an {@link ErrorNote}. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[] = []): { data: T | undefined; error: unknown; reload: () => Promise<void> } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback(async () => {
    try {
      setData(await latest.current());
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, deps);
  return { data, error, reload };
}

/** An error from the hub, with its code, shown in an alert region. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const code = error instanceof ApiFailure ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p class="error" role="alert">
      <code>{code}</code> {message}
    </p>
  );
}

/** A page section with a heading. */
export function Section({ title, children, actions }: { title: string; children: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <section class="card">
      <div class="card-head">
        <h2>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A small inline status badge. */
export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info' | 'muted'; children: ComponentChildren }) {
  return <span class={`badge ${tone}`}>{children}</span>;
}

/**
 * A confirmation step for anything that changes the hub: a modal `<dialog>` with the question, an optional
 * body (e.g. a field) and Confirm/Cancel. `onConfirm` may throw; the error is shown in the dialog.
 */
export function ConfirmDialog(props: { open: boolean; title: string; confirmLabel: string; danger?: boolean; onConfirm: () => Promise<void> | void; onClose: () => void; children?: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      setError(undefined);
      d.showModal();
    } else if (!props.open && d.open) d.close();
  }, [props.open]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onConfirm();
      setError(undefined);
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} onClose={props.onClose} aria-label={props.title}>
      <form method="dialog" onSubmit={submit}>
        <h2>{props.title}</h2>
        {props.children}
        <ErrorNote error={error} />
        <div class="row end">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={busy}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** A sparkline of a few series over the same time axis, as an inline SVG with a text alternative. */
export function Sparkline({ series, label, max }: { series: { name: string; values: number[]; className: string }[]; label: string; max?: number }) {
  const width = 160;
  const height = 36;
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const top = max ?? Math.max(0.01, ...series.flatMap((s) => s.values));
  const line = (values: number[]): string =>
    values.map((v, i) => `${((i / Math.max(1, n - 1)) * width).toFixed(1)},${(height - (Math.min(v, top) / top) * (height - 2) - 1).toFixed(1)}`).join(' ');
  return (
    <svg class="spark" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
      <rect x="0" y="0" width={width} height={height} class="spark-bg" />
      {n > 1 && series.map((s) => <polyline key={s.name} points={line(s.values)} class={s.className} fill="none" />)}
    </svg>
  );
}

/** An input level meter (dBFS, -60..0) with the VAD's speech indicator next to it. */
export function LevelMeter({ dbfs, speech, name }: { dbfs: number | undefined; speech: boolean; name: string }) {
  const value = dbfs === undefined ? -100 : Math.max(-100, Math.min(0, dbfs));
  const fill = Math.max(0, Math.min(100, ((value + 60) / 60) * 100));
  return (
    <div class="level">
      <div class="meter" role="meter" aria-label={`input level of ${name}`} aria-valuemin={-60} aria-valuemax={0} aria-valuenow={Math.round(Math.max(-60, value))} aria-valuetext={dbfs === undefined ? 'no audio' : `${Math.round(value)} dBFS`} data-dbfs={Math.round(value)}>
        <div class="meter-fill" style={{ width: `${fill}%` }} />
      </div>
      <span class={`speech ${speech ? 'on' : ''}`} data-speech={speech ? 'yes' : 'no'}>
        {speech ? 'speech' : 'quiet'}
      </span>
    </div>
  );
}

/** Copies text to the clipboard where the browser allows it; the text is in a read-only field to select either way. */
export function CopyBox({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="copy">
      <textarea aria-label={label} readOnly rows={Math.min(8, text.split('\n').length + 1)} spellcheck={false} value={text} onFocus={(e) => (e.target as HTMLTextAreaElement).select()} />
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  );
}
