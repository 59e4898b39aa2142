import type { Component, Logger } from '../core/index.js';
import { describeDuration } from '../language/index.js';
import type { HubTimer, TimerService } from './timers.js';

/** What a device hears when a timer it set runs out. */
export function timerFinishedText(timer: Pick<HubTimer, 'name' | 'durationS'>): string {
  return timer.name ? `Your ${timer.name} timer is done.` : `Your timer for ${describeDuration(timer.durationS)} is done.`;
}

/** Rings a finished hub timer on the device that set it (`say`), while started. */
export class TimerAnnouncer implements Component {
  readonly name = 'timer-announcer';
  private listening = false;

  constructor(
    private readonly timers: TimerService,
    private readonly say: (deviceId: string, text: string) => Promise<void>,
    private readonly log: Logger,
  ) {}

  private readonly onFinished = (timer: HubTimer): void => {
    if (!timer.deviceId) return;
    this.say(timer.deviceId, timerFinishedText(timer)).catch((err: unknown) => this.log.warn({ err, device: timer.deviceId }, 'timer announcement failed'));
  };

  async start(): Promise<void> {
    if (this.listening) return;
    this.timers.on('finished', this.onFinished);
    this.listening = true;
  }

  async stop(): Promise<void> {
    this.timers.off('finished', this.onFinished);
    this.listening = false;
  }
}
