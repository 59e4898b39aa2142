import type { StreamGuardState } from '../audio/device-stream.js';
import type { Db } from './database.js';

interface GuardRow {
  device_id: number;
  stream_id: number;
  highest_seq: number | null;
  superseded: string;
}

function parseSuperseded(text: string): number[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x) && x > 0 && x <= 0xffffffff) : [];
  } catch {
    return [];
  }
}

/**
 * The UDP replay guard per device (migration 4): the ingest loads it at start and writes what changed
 * every few seconds, at a stream restart and at stop — never per datagram. Rows go with their device.
 */
export class UdpStreamsRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every device's persisted guard, by numeric device id. */
  load(): Map<number, StreamGuardState> {
    const rows = this.db.prepare('SELECT device_id, stream_id, highest_seq, superseded FROM udp_stream_guard').all() as GuardRow[];
    return new Map(
      rows.map((r) => [r.device_id, { streamId: r.stream_id, highestSeq: r.highest_seq ?? undefined, superseded: parseSuperseded(r.superseded) }]),
    );
  }

  /** Upserts the given guards in one transaction; a device removed meanwhile is skipped. */
  save(states: ReadonlyMap<number, StreamGuardState>): void {
    const upsert = this.db.prepare(
      `INSERT INTO udp_stream_guard (device_id, stream_id, highest_seq, superseded, updated_at)
       SELECT @deviceId, @streamId, @highestSeq, @superseded, @at WHERE EXISTS (SELECT 1 FROM devices WHERE id = @deviceId)
       ON CONFLICT (device_id) DO UPDATE SET stream_id = excluded.stream_id, highest_seq = excluded.highest_seq,
         superseded = excluded.superseded, updated_at = excluded.updated_at`,
    );
    const at = this.now();
    this.db.transaction(() => {
      for (const [deviceId, s] of states) {
        upsert.run({ deviceId, streamId: s.streamId, highestSeq: s.highestSeq ?? null, superseded: JSON.stringify(s.superseded), at });
      }
    })();
  }
}
