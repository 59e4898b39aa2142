/** A debounced two-state input (the mute switch, the push-to-talk button) on top of any {@link GpioInput}. */
import { Debouncer } from './debouncer.js';
import type { GpioInput } from './inputs.js';

/** One debounced switch; the constructor only assigns. */
export class GpioSwitch {
  private debouncer: Debouncer | undefined;

  constructor(
    readonly role: 'mute' | 'ptt',
    private readonly input: GpioInput,
    private readonly debounceMs: number,
    private readonly onChange: (on: boolean) => void,
  ) {}

  /** Whether the switch is on now (debounced). */
  get on(): boolean {
    return this.debouncer?.level === 1;
  }

  /** Starts watching; resolves to whether the switch is on at start. */
  async start(): Promise<boolean> {
    if (this.debouncer) return this.on;
    const initial = await this.input.start((level) => this.debouncer?.feed(level));
    this.debouncer = new Debouncer(initial, this.debounceMs, (level) => this.onChange(level === 1));
    return initial === 1;
  }

  async stop(): Promise<void> {
    this.debouncer?.dispose();
    this.debouncer = undefined;
    await this.input.stop();
  }
}
