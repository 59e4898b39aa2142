import type { Component } from './component.js';
import type { Logger } from './logger.js';

/**
 * Starts components one by one, remembering them so `stopAll()` stops them in reverse order. A failing
 * stop is logged and the rest still stop (CONVENTIONS.md 5).
 */
export class Lifecycle {
  private readonly started: Component[] = [];

  constructor(private readonly logger: Logger) {}

  /** Starts `component` now and returns it; on failure the caller should `stopAll()`. */
  async start<C extends Component>(component: C): Promise<C> {
    const t0 = performance.now();
    await component.start();
    this.started.push(component);
    this.logger.debug({ component: component.name, ms: Math.round(performance.now() - t0) }, 'component started');
    return component;
  }

  /** Stops everything started, newest first; never throws. Returns the names that failed. */
  async stopAll(): Promise<string[]> {
    const failed: string[] = [];
    while (this.started.length > 0) {
      const c = this.started.pop() as Component;
      try {
        await c.stop();
        this.logger.debug({ component: c.name }, 'component stopped');
      } catch (err) {
        failed.push(c.name);
        this.logger.error({ err, component: c.name }, 'component failed to stop');
      }
    }
    return failed;
  }
}
