import type { MuteAuditResponse } from '@jarvis/protocol';
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useLive } from '../live-store.js';
import { ConfirmDialog, duration, ErrorNote, Section, useAsync } from '../ui.js';

/** `GET /api/v1/observer/buffer`: what the rolling transcript buffer holds right now. */
export interface BufferInfo {
  segments: number;
  characters: number;
  oldestAt: string | null;
  windowMs: number;
}

const SOURCE_TEXT: Record<string, string> = { mqtt: 'device switch (MQTT)', frame: 'device (MUTED frames)', api: 'software (dashboard/API)' };

/** Privacy: the mute audit, and the rolling buffer with "forget the last N minutes". */
export function PrivacyPage() {
  const audit = useAsync(() => api<MuteAuditResponse>('GET', '/mute-audit?limit=200'));
  const buffer = useAsync(() => api<BufferInfo>('GET', '/observer/buffer'));
  useLive(['mute'], () => void audit.reload());
  useLive(['todo'], () => void buffer.reload());
  const [minutes, setMinutes] = useState('5');
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState<string | undefined>(undefined);

  return (
    <>
      <Section title="Rolling buffer">
        <ErrorNote error={buffer.error} />
        {buffer.data && (
          <p data-field="buffer">
            {buffer.data.segments} transcript segments ({buffer.data.characters} characters), oldest{' '}
            {buffer.data.oldestAt ? `${duration(Date.now() - Date.parse(buffer.data.oldestAt))} old` : '—'}; the buffer keeps at most {duration(buffer.data.windowMs)}. Audio is never kept.
          </p>
        )}
        <form
          class="row wrap"
          aria-label="Forget recent speech"
          onSubmit={(e) => {
            e.preventDefault();
            setAsking(true);
          }}
        >
          <label>
            Forget the last <input name="minutes" type="number" min={1} max={1440} required value={minutes} onInput={(e) => setMinutes((e.target as HTMLInputElement).value)} /> minutes
          </label>
          <button type="submit" class="danger">
            Forget
          </button>
        </form>
        {result && (
          <p role="status" data-field="forgot">
            {result}
          </p>
        )}
      </Section>
      <Section title="Mute audit">
        <ErrorNote error={audit.error} />
        {(audit.data?.entries ?? []).length === 0 ? (
          <p>No mute changes recorded.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Every mute and unmute, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">When</th>
                  <th scope="col">Change</th>
                  <th scope="col">Source</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {audit.data!.entries.map((e) => (
                  <tr key={e.id} data-audit={e.id} data-device={e.deviceId}>
                    <th scope="row">{e.deviceName ?? e.deviceId}</th>
                    <td>{new Date(e.at).toLocaleString()}</td>
                    <td>{e.muted ? 'muted' : 'unmuted'}</td>
                    <td data-field="source">
                      {SOURCE_TEXT[e.source] ?? e.source}
                      {e.actor ? ` by ${e.actor}` : ''}
                    </td>
                    <td>{e.muted ? (e.durationMs === null ? 'still muted' : duration(e.durationMs)) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <ConfirmDialog
        open={asking}
        title={`Forget the last ${minutes} minutes?`}
        confirmLabel="Forget"
        danger
        onClose={() => setAsking(false)}
        onConfirm={async () => {
          const res = await api<{ forgotten: Record<string, number> }>('POST', '/transcripts/forget', { minutes: Number(minutes) });
          const parts = Object.entries(res.forgotten).map(([k, v]) => `${v} ${k}`);
          setResult(`Forgot the last ${minutes} minutes${parts.length ? `: ${parts.join(', ')}` : ''}.`);
          await buffer.reload();
        }}
      >
        <p>Transcripts heard in that time, and the to-dos suggested from them, are deleted from the hub. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
