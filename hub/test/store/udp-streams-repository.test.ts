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

const K1 = '0123456789abcdef';
const K2 = 'fedcba9876543210';

describe('UdpStreamsRepository [UDP-4.5]', () => {
  it('round-trips guards, replacing a device\'s previous one, up to the largest u32 values', () => {
    const { db, devices, repo } = store();
    const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    const b = devices.add({ name: 'b', area: 'Lab', kind: 'satellite' }).device;
    repo.save(new Map([[a.id, { keyId: K1, boot: 7, highestSeq: 10 }], [b.id, { keyId: K2, boot: 0xffffffff, highestSeq: undefined }]]));
    repo.save(new Map([[a.id, { keyId: K1, boot: 8, highestSeq: 0xffffffff }]]));
    expect(repo.load()).toEqual(
      new Map([
        [a.id, { keyId: K1, boot: 8, highestSeq: 0xffffffff }],
        [b.id, { keyId: K2, boot: 0xffffffff, highestSeq: undefined }],
      ]),
    );
    db.close();
  });

  it('never lowers the boot counter under the same key, but a new key starts a new epoch [UDP-4.5.1]', () => {
    const { db, devices, repo } = store();
    const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    repo.save(new Map([[a.id, { keyId: K1, boot: 50, highestSeq: 9 }]]));
    repo.save(new Map([[a.id, { keyId: K1, boot: 3, highestSeq: 100 }]]));
    expect(repo.load().get(a.id)).toEqual({ keyId: K1, boot: 50, highestSeq: 9 });
    repo.save(new Map([[a.id, { keyId: K2, boot: 1, highestSeq: 0 }]]));
    expect(repo.load().get(a.id)).toEqual({ keyId: K2, boot: 1, highestSeq: 0 });
    db.close();
  });

  it('drops a removed device\'s guard with it, and a rotated key\'s guard with the key', () => {
    const { db, devices, repo } = store();
    const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    const b = devices.add({ name: 'b', area: 'Lab', kind: 'wearable' }).device;
    repo.save(new Map([[a.id, { keyId: K1, boot: 7, highestSeq: 1 }], [b.id, { keyId: K1, boot: 7, highestSeq: 1 }]]));
    devices.remove(a.id);
    expect([...repo.load().keys()]).toEqual([b.id]);
    expect(() => repo.save(new Map([[a.id, { keyId: K1, boot: 9, highestSeq: 1 }]]))).not.toThrow();
    devices.rotateKey(b.id);
    expect(repo.load().size).toBe(0);
    db.close();
  });

  it('refuses values outside u32, a zero boot and a malformed key id', () => {
    const { db, devices, repo } = store();
    const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    expect(() => repo.save(new Map([[a.id, { keyId: K1, boot: 0, highestSeq: 1 }]]))).toThrow(/CHECK constraint/);
    expect(() => repo.save(new Map([[a.id, { keyId: K1, boot: 2 ** 32, highestSeq: 1 }]]))).toThrow(/CHECK constraint/);
    expect(() => repo.save(new Map([[a.id, { keyId: 'short', boot: 1, highestSeq: 1 }]]))).toThrow(/CHECK constraint/);
    db.close();
  });
});
