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
