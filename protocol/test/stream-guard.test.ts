/** [UDP-4.5] The receiver's boot-counter guard. */
import { describe, expect, it } from 'vitest';
import { StreamGuard } from '../src/index.js';

describe('[UDP-4.5] StreamGuard', () => {
  it('a replay of boot 1 after 17 restarts is refused, and the live boot keeps flowing', () => {
    const g = new StreamGuard();
    const captured = { boot: 1, seq: 5 };
    expect(g.check(1, 0)).toBe('new_boot');
    for (let s = 1; s <= 10; s++) expect(g.check(1, s)).toBe('accepted');
    for (let boot = 2; boot <= 18; boot++) {
      expect(g.check(boot, 0)).toBe('new_boot');
      expect(g.check(boot, 1)).toBe('accepted');
    }
    expect(g.check(captured.boot, captured.seq)).toBe('stale_boot');
    expect(g.check(18, 2)).toBe('accepted'); // the live stream is not taken over
    for (let boot = 1; boot < 18; boot++) expect(g.check(boot, 1000)).toBe('stale_boot');
  });

  it('within a boot: duplicates and frames older than the window are refused [UDP-4.4]', () => {
    const g = new StreamGuard();
    expect(g.check(3, 100)).toBe('new_boot');
    expect(g.check(3, 100)).toBe('duplicate');
    expect(g.check(3, 102)).toBe('accepted');
    expect(g.check(3, 101)).toBe('accepted'); // late but inside the window
    expect(g.check(3, 200)).toBe('accepted');
    expect(g.check(3, 100)).toBe('too_old');
  });

  it('a higher counter after any jump starts a new stream (the device booted while the hub was down)', () => {
    const g = new StreamGuard({ boot: 5, highestSeq: 9 });
    expect(g.check(4000, 7)).toBe('new_boot');
    expect(g.snapshot()).toEqual({ boot: 4000, highestSeq: 7 });
  });

  it('restored after a restart: lower boots refused, the persisted seq and everything before it refused, later seq accepted [UDP-4.5.2]', () => {
    const before = new StreamGuard();
    before.check(7, 0);
    for (let s = 1; s <= 150; s++) before.check(7, s);
    const persisted = before.snapshot();
    expect(persisted).toEqual({ boot: 7, highestSeq: 150 });
    const after = new StreamGuard(persisted);
    expect(after.check(6, 151)).toBe('stale_boot');
    expect(after.check(7, 150)).toBe('duplicate');
    expect(after.check(7, 149)).toBe('duplicate');
    expect(after.check(7, 10)).toBe('too_old');
    expect(after.check(7, 151)).toBe('accepted');
  });

  it('restored with a boot but no seq yet: the boot goes through the window from its first frame', () => {
    const g = new StreamGuard({ boot: 4 });
    expect(g.check(3, 0)).toBe('stale_boot');
    expect(g.check(4, 0)).toBe('accepted');
    expect(g.check(4, 0)).toBe('duplicate');
  });

  it('serial arithmetic inside a boot: seq wraps from 0xFFFFFFFF to 0 [UDP-2.13]', () => {
    const g = new StreamGuard();
    expect(g.check(1, 0xfffffffe)).toBe('new_boot');
    expect(g.check(1, 0xffffffff)).toBe('accepted');
    expect(g.check(1, 0)).toBe('accepted');
    expect(g.check(1, 0xfffffffe)).toBe('duplicate');
  });
});

describe('[UDP-4.4] StreamGuard window width', () => {
  it('takes a wider window than 64 when asked, restored or not', () => {
    const g = new StreamGuard(undefined, 1024);
    g.check(1, 2000);
    expect(g.check(1, 1000)).toBe('accepted');
    expect(new StreamGuard(undefined).check(1, 2000)).toBe('new_boot');
    const narrow = new StreamGuard({ boot: 1, highestSeq: 2000 });
    expect(narrow.check(1, 2001)).toBe('accepted');
    const wide = new StreamGuard({ boot: 1, highestSeq: 2000 }, 1024);
    expect(wide.check(1, 1500)).toBe('duplicate');
    expect(wide.check(1, 900)).toBe('too_old');
  });
});
