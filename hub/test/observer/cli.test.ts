import { describe, expect, it } from 'vitest';
import { captureIO } from '../../../tests/helpers/capture-io.js';
import { observeCommand } from '../../src/observer/cli.js';

async function run(argv: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO({}, { stdin });
  const code = await observeCommand.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('jarvis observe', () => {
  it('prints the to-dos of a transcript as JSON, dates in the given zone', async () => {
    const r = await run(['--now', '2025-03-15T03:30:00Z', '--tz', 'America/New_York'], 'USER: Remind me tomorrow to call the insurance company.\nANNA: ok\n');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).todos).toEqual([
      expect.objectContaining({ text: 'call the insurance company', due: '2025-03-15', kind: 'task', speaker: 'USER' }),
    ]);
    const utc = await run(['--now', '2025-03-15T03:30:00Z', '--tz', 'UTC'], 'USER: Remind me tomorrow to call the insurance company.');
    expect(JSON.parse(utc.out).todos[0].due).toBe('2025-03-16');
  });

  it('reports malformed lines with a code and still processes the rest', async () => {
    const r = await run(['--now', '2025-03-12T09:15:00-04:00', '--tz', 'UTC'], 'this line has no speaker\nUSER: We are out of eggs.\n: empty\n');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').map((l) => JSON.parse(l).error.code)).toEqual(['JARVIS_OBSERVER_BAD_LINE', 'JARVIS_OBSERVER_BAD_LINE']);
    expect(JSON.parse(r.out).todos.map((t: { text: string }) => t.text)).toEqual(['eggs']);
  });

  it('--jsonl answers each record with one line, errors included', async () => {
    const input = [
      JSON.stringify({ id: 'a', transcript: 'USER: I need to pay the electricity bill by Monday.', reference_time: '2025-06-06T18:40:00-04:00' }),
      '{not json',
      JSON.stringify({ id: 'b' }),
      JSON.stringify({ id: 'c', transcript: 'USER: hi', reference_time: 'yesterday' }),
      JSON.stringify({ id: 'd', transcript: 'no colon here' }),
      JSON.stringify([1, 2]),
      JSON.stringify({ id: 'e', transcript: 'USER: What a game last night!' }),
    ].join('\n');
    const r = await run(['--jsonl', '--tz', 'America/New_York', '--now', '2025-06-06T12:00:00Z'], input);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({ id: 'a', todos: [{ text: 'pay the electricity bill', due: '2025-06-09' }] });
    expect(lines.slice(1, 6).map((l) => [l.id, l.error.code])).toEqual([
      [null, 'JARVIS_OBSERVER_BAD_JSON'], ['b', 'JARVIS_OBSERVER_BAD_RECORD'], ['c', 'JARVIS_OBSERVER_BAD_TIME'],
      ['d', 'JARVIS_OBSERVER_BAD_LINE'], [null, 'JARVIS_OBSERVER_BAD_RECORD'],
    ]);
    expect(lines[6]).toEqual({ id: 'e', todos: [] });
  });

  it('exits 2 on bad flags and values, prints help with --help', async () => {
    expect((await run(['--verbose'], '')).code).toBe(2);
    expect((await run(['extra'], '')).code).toBe(2);
    const tz = await run(['--tz', 'Mars/Olympus'], '');
    expect([tz.code, tz.err]).toEqual([2, expect.stringContaining('JARVIS_OBSERVER_BAD_TIMEZONE')]);
    const now = await run(['--now', 'tomorrow'], '');
    expect([now.code, now.err]).toEqual([2, expect.stringContaining('JARVIS_OBSERVER_BAD_TIME')]);
    const help = await run(['--help'], '');
    expect([help.code, help.out]).toEqual([0, expect.stringContaining('Usage: jarvis observe')]);
  });
});
