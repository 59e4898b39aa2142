import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/core/secrets.js';
import { openDatabase } from '../../src/store/database.js';
import { DevicesRepository } from '../../src/store/devices-repository.js';
import { UdpStreamsRepository } from '../../src/store/udp-streams-repository.js';

function store() {
  const db = openDatabase(':memory:');
  const devices = new DevicesRepository(db, new SecretBox(randomBytes(32)));
  return { db, devices, repo: new UdpStreamsRepository(db, () => 42) };
}

describe('UdpStreamsRepository', () => {
  it('round-trips guards, replacing a device\'s previous one, up to the largest u32 values', () => {
    const { db, devices, repo } = store();
    const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    const b = devices.add({ name: 'b', area: 'Lab', kind: 'satellite' }).device;
    repo.save(new Map([[a.id, { streamId: 7, highestSeq: 10, superseded: [] }], [b.id, { streamId: 0xffffffff, highestSeq: undefined, superseded: [1, 2] }]]));
    repo.save(new Map([[a.id, { streamId: 8, highestSeq: 0xffffffff, superseded: [7] }]]));
    expect(repo.load()).toEqual(
      new Map([
        [a.id, { streamId: 8, highestSeq: 0xffffffff, superseded: [7] }],
        [b.id, { streamId: 0xffffffff, highestSeq: undefined, superseded: [1, 2] }],
      ]),
    );
    db.close();
  });

  it('drops a removed device\'s guard with it, and skips a save for a device removed meanwhile', () => {
    const { db, devices, repo } = store();
    const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    repo.save(new Map([[a.id, { streamId: 7, highestSeq: 1, superseded: [] }]]));
    devices.remove(a.id);
    expect(repo.load().size).toBe(0);
    expect(() => repo.save(new Map([[a.id, { streamId: 9, highestSeq: 1, superseded: [7] }]]))).not.toThrow();
    expect(repo.load().size).toBe(0);
    db.close();
  });

  it('refuses values outside u32 and reads a damaged superseded list as empty', () => {
    const { db, devices, repo } = store();
    const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    expect(() => repo.save(new Map([[a.id, { streamId: 0, highestSeq: 1, superseded: [] }]]))).toThrow(/CHECK constraint/);
    repo.save(new Map([[a.id, { streamId: 5, highestSeq: 1, superseded: [3] }]]));
    db.prepare("UPDATE udp_stream_guard SET superseded = 'not json'").run();
    expect(repo.load().get(a.id)?.superseded).toEqual([]);
    db.prepare(`UPDATE udp_stream_guard SET superseded = '[3, -1, 1.5, "x", 4294967296, 9]'`).run();
    expect(repo.load().get(a.id)?.superseded).toEqual([3, 9]);
    db.close();
  });
});
