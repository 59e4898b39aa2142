/** One numbered schema change. Numbers are unique and only ever appended; a shipped migration never changes. */
export interface Migration {
  /** Strictly increasing across the whole hub (see `migrations/index.ts` for the reserved ranges). */
  id: number;
  /** kebab-case, says what the step does. */
  name: string;
  /** SQL run inside one transaction. */
  up: string;
}
