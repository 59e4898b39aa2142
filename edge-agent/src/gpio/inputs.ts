/**
 * Raw GPIO levels: from hardware through libgpiod's command-line tools (`gpioget` for the level at
 * start, a long-lived `gpiomon` for edges), or from a file for tests. Both speak the same line format
 * (`gpiomon -F %e`: `1` rising, `0` falling), parsed by the same function, so the test double drives the
 * same code as the hardware.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { open, readFile, stat } from 'node:fs/promises';
import { EdgeError } from '../errors.js';
import { findExecutable } from '../executables.js';
import type { Logger } from '../logger.js';

/** A source of raw (undebounced) logical levels of one line. */
export interface GpioInput {
  readonly name: string;
  /** Starts watching; resolves to the level at start. */
  start(onLevel: (level: 0 | 1) => void): Promise<0 | 1>;
  stop(): Promise<void>;
}

/** Parses one gpiomon/test-double line (`1`, `0`, or `1 <seconds> <ns>`); undefined when it is not one. */
export function parseGpioLine(line: string): 0 | 1 | undefined {
  const m = /^\s*([01])(?:\s+\d+){0,2}\s*$/.exec(line);
  return m ? (m[1] === '1' ? 1 : 0) : undefined;
}

/** Parses `gpioget` output (`0`/`1` from libgpiod 1.x, `"17"=active` from 2.x). */
export function parseGpiogetOutput(text: string): 0 | 1 | undefined {
  const t = text.trim();
  if (t === '0' || t === '1') return t === '1' ? 1 : 0;
  const m = /=(active|inactive)$/.exec(t);
  return m ? (m[1] === 'active' ? 1 : 0) : undefined;
}

/** Options of {@link LibgpiodInput}. */
export interface LibgpiodInputOptions {
  chip: string;
  line: number;
  activeLow: boolean;
  bias: 'as-is' | 'disable' | 'pull-up' | 'pull-down';
  gpiomonPath: string;
  gpiogetPath: string;
  logger: Logger;
  /** Delay before a dead gpiomon is started again; default 1000 ms. */
  restartMs?: number;
}

/** A hardware line through libgpiod 1.x tools (Debian's `gpiod` package). */
export class LibgpiodInput implements GpioInput {
  readonly name: string;
  private child: ChildProcess | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LibgpiodInputOptions) {
    this.name = `${options.chip}:${options.line}`;
  }

  private flags(): string[] {
    const o = this.options;
    return [...(o.activeLow ? ['-l'] : []), ...(o.bias !== 'as-is' ? ['-B', o.bias] : [])];
  }

  /** Reads the level with gpioget (released before gpiomon claims the line); failures are `JARVIS_EDGE_GPIO`. */
  async start(onLevel: (level: 0 | 1) => void): Promise<0 | 1> {
    const o = this.options;
    const get = findExecutable(o.gpiogetPath);
    const mon = findExecutable(o.gpiomonPath);
    if (!get || !mon) {
      throw new EdgeError('JARVIS_EDGE_GPIO', `GPIO ${this.name}: ${!get ? o.gpiogetPath : o.gpiomonPath} is not installed (Debian package gpiod)`);
    }
    const out = await new Promise<string>((resolve, reject) => {
      execFile(get, [...this.flags(), o.chip, String(o.line)], { timeout: 5000 }, (err, stdout, stderr) => {
        if (err) reject(new EdgeError('JARVIS_EDGE_GPIO', `GPIO ${this.name}: gpioget failed: ${(stderr || err.message).trim()}`, { cause: err }));
        else resolve(stdout);
      });
    });
    const level = parseGpiogetOutput(out);
    if (level === undefined) throw new EdgeError('JARVIS_EDGE_GPIO', `GPIO ${this.name}: unexpected gpioget output ${JSON.stringify(out.trim())}`);
    this.running = true;
    this.monitor(mon, onLevel);
    return level;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      });
    }
  }

  private monitor(program: string, onLevel: (level: 0 | 1) => void): void {
    const o = this.options;
    const child = spawn(program, ['-b', ...this.flags(), '-F', '%e', o.chip, String(o.line)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        const level = parseGpioLine(line);
        if (level === undefined) o.logger.warn({ code: 'JARVIS_EDGE_GPIO', line }, `GPIO ${this.name}: ignored unexpected gpiomon line`);
        else onLevel(level);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-1000);
    });
    child.once('error', (err) => o.logger.error({ code: 'JARVIS_EDGE_GPIO', err: err.message }, `GPIO ${this.name}: cannot start gpiomon`));
    child.once('close', (code) => {
      if (this.child !== child || !this.running) return;
      this.child = undefined;
      o.logger.error({ code: 'JARVIS_EDGE_GPIO', exitCode: code, stderr: stderr.trim() || undefined }, `GPIO ${this.name}: gpiomon exited; restarting`);
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.running) this.monitor(program, onLevel);
      }, o.restartMs ?? 1000);
    });
  }
}

/** Options of {@link FileGpioInput}. */
export interface FileGpioInputOptions {
  file: string;
  activeLow: boolean;
  logger: Logger;
  /** How often the file is checked for appended lines; default 5 ms. */
  pollMs?: number;
}

/**
 * The GPIO test double: a file of gpiomon-style lines. The last line at start is the initial level;
 * every line appended later is one edge, so a test can write a bounce (`1\n0\n1\n`) in one go.
 */
export class FileGpioInput implements GpioInput {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private offset = 0;
  private partial = '';
  private busy = false;

  constructor(private readonly options: FileGpioInputOptions) {
    this.name = `file:${options.file}`;
  }

  private logical(level: 0 | 1): 0 | 1 {
    return this.options.activeLow ? (level === 1 ? 0 : 1) : level;
  }

  async start(onLevel: (level: 0 | 1) => void): Promise<0 | 1> {
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (err) {
      throw new EdgeError('JARVIS_EDGE_GPIO', `GPIO test file ${this.options.file}: ${(err as Error).message}`, { cause: err });
    }
    this.offset = Buffer.byteLength(text);
    let initial: 0 | 1 = 0;
    for (const line of text.split('\n')) {
      const level = parseGpioLine(line);
      if (level !== undefined) initial = level;
    }
    this.timer = setInterval(() => void this.poll(onLevel), this.options.pollMs ?? 5);
    return this.logical(initial);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(onLevel: (level: 0 | 1) => void): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const { size } = await stat(this.options.file);
      if (size < this.offset) this.offset = 0;
      if (size === this.offset) return;
      const fh = await open(this.options.file, 'r');
      try {
        const buf = Buffer.alloc(size - this.offset);
        await fh.read(buf, 0, buf.length, this.offset);
        this.offset = size;
        const lines = (this.partial + buf.toString()).split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line.trim() === '') continue;
          const level = parseGpioLine(line);
          if (level === undefined) this.options.logger.warn({ code: 'JARVIS_EDGE_GPIO', line }, `GPIO ${this.name}: ignored unexpected line`);
          else if (this.timer) onLevel(this.logical(level));
        }
      } finally {
        await fh.close();
      }
    } catch (err) {
      this.options.logger.warn({ code: 'JARVIS_EDGE_GPIO', err: (err as Error).message }, `GPIO ${this.name}: cannot read`);
    } finally {
      this.busy = false;
    }
  }
}
