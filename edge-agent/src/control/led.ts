/** `cmd/led`: the agent tracks the requested pattern and its expiry; a driver shows it on real LEDs. */
import type { PayloadOf } from '@jarvis/protocol';
import type { Logger } from '../logger.js';

/** A validated `cmd/led` payload. */
export type LedCommand = PayloadOf<'cmd/led'>;

/** Shows an LED pattern on hardware (a ReSpeaker HAT's APA102 ring, a sysfs LED, ...). */
export interface LedDriver {
  show(command: LedCommand): void | Promise<void>;
}

/** The default driver for a Pi without addressable LEDs: the pattern is logged, nothing else. */
export class LogLedDriver implements LedDriver {
  constructor(private readonly logger: Logger) {}

  show(command: LedCommand): void {
    this.logger.info({ led: command }, `led: ${command.pattern}${command.color ? ` ${command.color}` : ''}`);
  }
}

/** Applies `cmd/led` commands; a pattern with `durationMs` falls back to `off` when it expires unless replaced. */
export class LedController {
  private currentValue: LedCommand = { pattern: 'off' };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly driver: LedDriver) {}

  /** The pattern being shown. */
  get current(): LedCommand {
    return this.currentValue;
  }

  async apply(command: LedCommand): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.currentValue = command;
    await this.driver.show(command);
    if (command.durationMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.currentValue = { pattern: 'off' };
        void this.driver.show(this.currentValue);
      }, command.durationMs);
      this.timer.unref();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
