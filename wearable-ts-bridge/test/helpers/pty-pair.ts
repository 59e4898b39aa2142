/**
 * Two pseudo-terminals joined back to back, like a USB serial cable between a host and a board: what is
 * written to one comes out of the other. Python's pty module makes them (Node has no openpty); python3 is
 * a CI requirement (.ci/run). Both slave ends stay open in the helper, so either side may close and
 * reopen its end. `close()` ends the helper.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

const RELAY = `
import os, select, sys, tty
m1, s1 = os.openpty()
m2, s2 = os.openpty()
for s in (s1, s2):
    tty.setraw(s)
print(os.ttyname(s1)); print(os.ttyname(s2)); sys.stdout.flush()
while True:
    r, _, _ = select.select([m1, m2, 0], [], [])
    if 0 in r and not os.read(0, 1024):
        break
    for a, b in ((m1, m2), (m2, m1)):
        if a in r:
            try:
                d = os.read(a, 4096)
            except OSError:
                d = b''
            if d:
                os.write(b, d)
`;

export interface PtyPair {
  /** The host's end (give it to `jarvis-wearable provision --port`). */
  host: string;
  /** The device's end (give it to the firmware's --console). */
  device: string;
  close(): Promise<void>;
}

export async function ptyPair(): Promise<PtyPair> {
  const proc: ChildProcess = spawn('python3', ['-S', '-c', RELAY], { stdio: ['pipe', 'pipe', 'inherit'] });
  const names = await new Promise<string[]>((resolve, reject) => {
    let text = '';
    proc.once('error', (err) => reject(new Error(`python3 is needed for the pty pair: ${err.message}`)));
    proc.stdout?.on('data', (d: Buffer) => {
      text += d.toString();
      const lines = text.split('\n').filter(Boolean);
      if (lines.length >= 2) resolve(lines.slice(0, 2));
    });
    proc.once('exit', (code) => reject(new Error(`the pty helper exited with ${String(code)}`)));
  });
  return {
    host: names[0] as string,
    device: names[1] as string,
    close: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.stdin?.end();
      }),
  };
}
