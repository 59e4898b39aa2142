import { describe, expect, it } from 'vitest';
import { JitterBuffer, type BufferedFrame, type PlayoutItem } from '../../src/audio/jitter-buffer.js';

function frame(seq: number, receivedAt = 0, flags = 0): BufferedFrame {
  return { seq: seq >>> 0, timestamp: seq * 320, flags, samples: new Int16Array(320), receivedAt };
}

function describeItems(items: PlayoutItem[] | 'late'): string[] {
  if (items === 'late') return ['late'];
  return items.map((i) => (i.kind === 'frame' ? `f${i.frame.seq}` : `gap${i.lostFrames}x${i.samples}`));
}

describe('JitterBuffer', () => {
  it('plays in-order frames at once', () => {
    const jb = new JitterBuffer({ targetFrames: 3, maxWaitMs: 100 });
    expect(describeItems(jb.push(frame(1), 0))).toEqual(['f1']);
    expect(describeItems(jb.push(frame(2), 0))).toEqual(['f2']);
  });

  it('reorders a frame that arrives after its successor', () => {
    const jb = new JitterBuffer({ targetFrames: 3, maxWaitMs: 100 });
    jb.push(frame(1), 0);
    expect(describeItems(jb.push(frame(3), 0))).toEqual([]);
    expect(describeItems(jb.push(frame(2), 0))).toEqual(['f2', 'f3']);
  });

  it('declares a frame lost once targetFrames newer frames queue behind it', () => {
    const jb = new JitterBuffer({ targetFrames: 2, maxWaitMs: 10_000 });
    jb.push(frame(1), 0);
    expect(describeItems(jb.push(frame(3), 0))).toEqual([]);
    expect(describeItems(jb.push(frame(4), 0))).toEqual(['gap1x320', 'f3', 'f4']);
    // The lost frame arriving now is late.
    expect(jb.push(frame(2), 0)).toBe('late');
  });

  it('declares a frame lost after maxWaitMs on poll', () => {
    const jb = new JitterBuffer({ targetFrames: 10, maxWaitMs: 50 });
    jb.push(frame(1), 0);
    jb.push(frame(4), 10);
    expect(describeItems(jb.poll(40))).toEqual([]);
    expect(describeItems(jb.poll(60))).toEqual(['gap2x640', 'f4']);
  });

  it('flushes through an END frame without waiting', () => {
    const jb = new JitterBuffer({ targetFrames: 10, maxWaitMs: 10_000 });
    jb.push(frame(1), 0);
    expect(describeItems(jb.push(frame(3, 0, 0x10), 0))).toEqual(['gap1x320', 'f3']);
  });

  it('orders across the u32 sequence wrap', () => {
    const jb = new JitterBuffer({ targetFrames: 3, maxWaitMs: 100 });
    const a = { ...frame(0), seq: 0xfffffffe, timestamp: 0 };
    const b = { ...frame(0), seq: 0xffffffff, timestamp: 320 };
    const c = { ...frame(0), seq: 0, timestamp: 640 };
    jb.push(a, 0);
    expect(describeItems(jb.push(c, 0))).toEqual([]);
    expect(describeItems(jb.push(b, 0))).toEqual(['f4294967295', 'f0']);
  });

  it('discard forgets queued frames and the play-out position', () => {
    const jb = new JitterBuffer({ targetFrames: 3, maxWaitMs: 100 });
    jb.push(frame(1), 0);
    jb.push(frame(3), 0);
    jb.discard();
    expect(jb.depth).toBe(0);
    // An older frame now starts a new position instead of being late.
    expect(describeItems(jb.push(frame(2), 0))).toEqual(['f2']);
  });
});
