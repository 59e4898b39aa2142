import type { StreamGuardState } from '../audio/index.js';
import type { Db } from './database.js';

interface GuardRow {
  device_id: number;
  key_id: string;
  boot: number;
  highest_seq: number | null;
}

/**
 * The UDP replay guard per device (migrations 4, 5): the highest boot counter and key epoch, and the
 * highest `seq` in that boot [UDP-4.5]. The ingest loads it at start, writes a grown boot counter at
 * once and the rest every second and at stop — never per datagram. Rows go with their device, and
 * `rotateKey` deletes the row with the old key.
 */
export class UdpStreamsRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every device's persisted guard, by numeric device id. */
  load(): Map<number, StreamGuardState> {
    const rows = this.db.prepare('SELECT device_id, key_id, boot, highest_seq FROM udp_stream_guard').all() as GuardRow[];
    return new Map(rows.map((r) => [r.device_id, { keyId: r.key_id, boot: r.boot, highestSeq: r.highest_seq ?? undefined }]));
  }

  /**
   * Upserts the given guards in one transaction; a device removed meanwhile is skipped. Under the same
   * key the stored boot counter never goes down, whatever is passed in [UDP-4.5.1].
   */
  save(states: ReadonlyMap<number, StreamGuardState>): void {
    const upsert = this.db.prepare(
      `INSERT INTO udp_stream_guard (device_id, key_id, boot, highest_seq, updated_at)
       SELECT @deviceId, @keyId, @boot, @highestSeq, @at WHERE EXISTS (SELECT 1 FROM devices WHERE id = @deviceId)
       ON CONFLICT (device_id) DO UPDATE SET
         highest_seq = CASE WHEN udp_stream_guard.key_id = excluded.key_id AND excluded.boot < udp_stream_guard.boot
                            THEN udp_stream_guard.highest_seq ELSE excluded.highest_seq END,
         boot = CASE WHEN udp_stream_guard.key_id = excluded.key_id AND excluded.boot < udp_stream_guard.boot
                     THEN udp_stream_guard.boot ELSE excluded.boot END,
         key_id = excluded.key_id,
         updated_at = excluded.updated_at`,
    );
    const at = this.now();
    this.db.transaction(() => {
      for (const [deviceId, s] of states) {
        upsert.run({ deviceId, keyId: s.keyId, boot: s.boot, highestSeq: s.highestSeq ?? null, at });
      }
    })();
  }
}
