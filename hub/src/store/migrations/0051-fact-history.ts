import type { Migration } from '../migration.js';

/**
 * A corrected fact keeps the words it replaced. `superseded` is a JSON array of the earlier wordings,
 * oldest first, each `{text, saidAt, deviceId}`: a question asked in the old words still finds the
 * corrected fact (lexical search reads them), the API shows the history, and a mute or "forget the last
 * N minutes" removes the entries said in that stretch like it removes facts.
 */
export const migration0051: Migration = {
  id: 51,
  name: 'memory-fact-history',
  up: `
    ALTER TABLE facts ADD COLUMN superseded TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(superseded) AND json_type(superseded) = 'array');
  `,
};
