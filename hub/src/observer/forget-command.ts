import { forgetMinutes, type CommandInterceptor } from '../voice/index.js';

/** What the spoken "forget" needs from the observer. */
export interface Forgetter {
  forget(minutes: number, deviceId?: string): Promise<unknown>;
}

/** "Forget the last N minutes" said as a command: the observer drops that stretch and the device hears so. */
export function forgetCommand(observer: Forgetter): CommandInterceptor {
  return async (_text, normalized, origin) => {
    const minutes = forgetMinutes(normalized);
    if (minutes === undefined || minutes <= 0 || minutes > 24 * 60) return undefined;
    const decidedAt = Date.now();
    await observer.forget(minutes, origin.deviceId);
    const span = minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minute${minutes === 1 ? '' : 's'}`;
    return {
      decision: { intent: null, slots: { minutes }, path: 'hot', tier: 0, confidence: 1, targets: [] },
      result: { ok: true, reply: `Okay, I forgot the last ${span}.`, calls: [] },
      decidedAt,
      executedAt: Date.now(),
    };
  };
}
