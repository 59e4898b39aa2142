import { useMemo, useState } from 'preact/hooks';
import { renderSVG } from 'uqr';
import { api } from '../api.js';
import { liveStore, useLive } from '../live-store.js';
import { ago, Badge, ConfirmDialog, ErrorNote, LevelMeter, percent, Section, Sparkline, useAsync } from '../ui.js';

/** A device as `GET /api/v1/devices` lists it. */
export interface Device {
  id: string;
  name: string;
  area: string;
  kind: string;
  online: boolean;
  muted: boolean;
  /** Muted by the device itself (switch, MUTED frames): only the device can lift it. */
  hardwareMuted: boolean;
  /** Muted from the hub (dashboard or API). */
  softwareMuted: boolean;
  lastHeardAt: string | null;
  battery: number | null;
}

type Action = { kind: 'rename' | 'area' | 'rotate' | 'remove' | 'mute' | 'unmute'; device: Device };

/** A device bundle, shown once after adding a device or rotating its key: a QR code and a download. */
function BundleView({ bundle, onDone }: { bundle: Record<string, unknown>; onDone: () => void }) {
  const text = JSON.stringify(bundle);
  const svg = useMemo(() => renderSVG(text, { ecc: 'L', border: 2 }), [text]);
  const href = useMemo(() => `data:application/json;charset=utf-8,${encodeURIComponent(`${JSON.stringify(bundle, null, 2)}\n`)}`, [bundle]);
  const name = String(bundle['name'] ?? bundle['deviceId'] ?? 'device');
  return (
    <div class="bundle" aria-live="polite">
      <p>
        <strong>This bundle holds the device's secret key and is shown only now.</strong> Scan it with the device's setup app, or download it and copy it to the device.
      </p>
      <div class="qr" role="img" aria-label={`QR code of the bundle for ${name}`} dangerouslySetInnerHTML={{ __html: svg }} />
      <div class="row">
        <a class="button" href={href} download={`jarvis-device-${name}.json`}>
          Download bundle
        </a>
        <button type="button" onClick={onDone}>
          Done, hide it
        </button>
      </div>
    </div>
  );
}

function AddDevice({ onAdded }: { onAdded: () => void }) {
  const [name, setName] = useState('');
  const [area, setArea] = useState('');
  const [kind, setKind] = useState('wearable');
  const [bundle, setBundle] = useState<Record<string, unknown> | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      const res = await api<{ bundle: Record<string, unknown> }>('POST', '/devices', { name: name.trim(), area: area.trim(), kind });
      setBundle(res.bundle);
      setName('');
      setArea('');
      setError(undefined);
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  if (bundle) return <BundleView bundle={bundle} onDone={() => setBundle(undefined)} />;
  return (
    <form class="grid-form" onSubmit={submit} aria-label="Add a device">
      <label>
        Name <input name="name" required maxLength={64} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Area <input name="area" required maxLength={64} value={area} onInput={(e) => setArea((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Kind
        <select name="kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
          <option value="wearable">wearable</option>
          <option value="satellite">satellite</option>
        </select>
      </label>
      <button type="submit" class="primary">
        Add device
      </button>
      <ErrorNote error={error} />
    </form>
  );
}

function DeviceCard({ d, onAction }: { d: Device; onAction: (a: Action) => void }) {
  const level = liveStore.levels.get(d.id);
  const fresh = level !== undefined && Date.now() - level.at < 3000;
  const history = liveStore.history.get(d.id) ?? [];
  const last = history[history.length - 1];
  return (
    <article class="device" aria-labelledby={`dev-${d.id}`} data-device={d.id}>
      <header class="row">
        <h3 id={`dev-${d.id}`}>{d.name}</h3>
        <Badge tone={d.online ? 'ok' : 'muted'}>{d.online ? 'online' : 'offline'}</Badge>
        {d.muted && <Badge tone="warn">muted{d.hardwareMuted ? ' (hardware)' : ''}{d.softwareMuted ? ' (software)' : ''}</Badge>}
      </header>
      <dl class="facts">
        <dt>Area</dt>
        <dd data-field="area">{d.area}</dd>
        <dt>Kind</dt>
        <dd>{d.kind}</dd>
        <dt>Id</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>Last seen</dt>
        <dd>{ago(d.lastHeardAt)}</dd>
        {d.battery !== null && (
          <>
            <dt>Battery</dt>
            <dd>{d.battery} %</dd>
          </>
        )}
      </dl>
      <LevelMeter name={d.name} dbfs={fresh ? level.dbfs : undefined} speech={fresh ? level.speech : false} />
      <div class="stats">
        <Sparkline
          label={`loss ${percent(last?.lossRate)}, concealment ${percent(last?.concealRate)}, late ${percent(last?.lateRate)} over the last ${history.length} intervals`}
          series={[
            { name: 'loss', values: history.map((p) => p.lossRate), className: 'line-loss' },
            { name: 'conceal', values: history.map((p) => p.concealRate), className: 'line-conceal' },
            { name: 'late', values: history.map((p) => p.lateRate), className: 'line-late' },
          ]}
        />
        <ul class="legend">
          <li class="key-loss">loss {percent(last?.lossRate)}</li>
          <li class="key-conceal">concealed {percent(last?.concealRate)}</li>
          <li class="key-late">late {percent(last?.lateRate)}</li>
        </ul>
      </div>
      {d.hardwareMuted && <p class="hint">This device is muted at the device (switch or MUTED frames). The dashboard cannot lift a hardware mute.</p>}
      <div class="row wrap">
        {d.softwareMuted ? (
          <button type="button" onClick={() => onAction({ kind: 'unmute', device: d })}>
            Lift software mute
          </button>
        ) : (
          <button type="button" onClick={() => onAction({ kind: 'mute', device: d })}>
            Mute
          </button>
        )}
        <button type="button" onClick={() => onAction({ kind: 'rename', device: d })}>
          Rename
        </button>
        <button type="button" onClick={() => onAction({ kind: 'area', device: d })}>
          Move to area
        </button>
        <button type="button" onClick={() => onAction({ kind: 'rotate', device: d })}>
          Rotate key
        </button>
        <button type="button" class="danger" onClick={() => onAction({ kind: 'remove', device: d })}>
          Remove
        </button>
      </div>
    </article>
  );
}

const TITLES: Record<Action['kind'], string> = {
  rename: 'Rename device',
  area: 'Move device to an area',
  rotate: 'Rotate the device key',
  remove: 'Remove device',
  mute: 'Mute device',
  unmute: 'Lift the software mute',
};

/** Devices: state, live level and link quality, and the changes an admin makes to them. */
export function DevicesPage() {
  const { data, error, reload } = useAsync(() => api<{ devices: Device[] }>('GET', '/devices'));
  useLive(['device-level', 'device-stats', 'hello']);
  useLive(['device', 'mute'], () => void reload());
  const [action, setAction] = useState<Action | undefined>(undefined);
  const [text, setText] = useState('');
  const [bundle, setBundle] = useState<Record<string, unknown> | undefined>(undefined);

  const open = (a: Action) => {
    setText(a.kind === 'rename' ? a.device.name : a.kind === 'area' ? a.device.area : '');
    setAction(a);
  };
  const confirm = async () => {
    if (!action) return;
    const id = action.device.id;
    if (action.kind === 'rename') await api('PATCH', `/devices/${id}`, { name: text.trim() });
    else if (action.kind === 'area') await api('PATCH', `/devices/${id}`, { area: text.trim() });
    else if (action.kind === 'remove') await api('DELETE', `/devices/${id}`);
    else if (action.kind === 'mute' || action.kind === 'unmute') await api('POST', `/devices/${id}/mute`, { muted: action.kind === 'mute' });
    else if (action.kind === 'rotate') setBundle((await api<{ bundle: Record<string, unknown> }>('POST', `/devices/${id}/rotate-key`)).bundle);
    await reload();
  };

  const devices = data?.devices ?? [];
  return (
    <>
      <ErrorNote error={error} />
      {bundle && (
        <Section title="New key">
          <BundleView bundle={bundle} onDone={() => setBundle(undefined)} />
        </Section>
      )}
      <div class="devices">
        {devices.length === 0 && data && <p>No devices yet. Add one below.</p>}
        {devices.map((d) => (
          <DeviceCard key={d.id} d={d} onAction={open} />
        ))}
      </div>
      <Section title="Add a device">
        <AddDevice onAdded={() => void reload()} />
      </Section>
      <ConfirmDialog
        open={action !== undefined}
        title={action ? `${TITLES[action.kind]}: ${action.device.name}` : ''}
        confirmLabel={action?.kind === 'remove' ? 'Remove' : action?.kind === 'rotate' ? 'Rotate key' : action?.kind === 'mute' ? 'Mute' : 'Confirm'}
        danger={action?.kind === 'remove' || action?.kind === 'rotate'}
        onConfirm={confirm}
        onClose={() => setAction(undefined)}
      >
        {(action?.kind === 'rename' || action?.kind === 'area') && (
          <label>
            {action.kind === 'rename' ? 'New name' : 'Area'}
            <input name="value" required maxLength={64} value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          </label>
        )}
        {action?.kind === 'rotate' && <p>The device stops working until it gets the new bundle, which is shown once.</p>}
        {action?.kind === 'remove' && <p>The device's keys and login are deleted; its mute audit stays.</p>}
        {action?.kind === 'mute' && <p>The hub drops this device's audio until the software mute is lifted. The change is recorded in the mute audit.</p>}
        {action?.kind === 'unmute' && <p>This lifts only the mute set from the hub. A device muted by its own switch stays muted.</p>}
      </ConfirmDialog>
    </>
  );
}
