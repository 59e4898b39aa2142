/**
 * A part of the hub with a lifecycle (CONVENTIONS.md 5): the constructor only assigns; `start()` and
 * `stop()` do the work and are safe to call twice. `main.ts` starts parts in dependency order and
 * stops them in reverse.
 */
export interface Component {
  /** Short name used in logs (`mqtt`, `udp`, `api`, ...). */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A component whose whole job is one subscription: `subscribe` runs in `start()` and the function it returns
 * (the unsubscribe) in `stop()`, so a listener the root wires between two parts never outlives the hub.
 */
export function subscription(name: string, subscribe: () => () => void): Component {
  let unsubscribe: (() => void) | undefined;
  return {
    name,
    start: async () => {
      unsubscribe ??= subscribe();
    },
    stop: async () => {
      unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
