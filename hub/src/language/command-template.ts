import type { IntentName, Slots } from './intents.js';

/**
 * The command templates tier 0 matches and the speech grammar compiles from — one source for both.
 *
 * Syntax (after Home Assistant's hassil, parsed by `syntax.ts`): words; `(a|b c)` alternatives; `[x]`
 * optional; `<rule>` an expansion rule from {@link expansionRules}; `{slot}` a slot whose kind is in
 * {@link slotKinds}. Templates are written in words ("one", not "1"): the matcher compares them with
 * normalised input, the grammar speaks them.
 */
export interface CommandTemplate {
  intent: IntentName;
  sentences: readonly string[];
  /** Slots the template fixes ("full brightness" → brightness 100). */
  slots?: Slots;
  /** Entity domains the target may have; undefined = the intent's defaults. */
  domains?: readonly string[];
  /**
   * A loose phrasing ("stop {target}", "{target} on"): when its target is unknown the utterance is not taken
   * as a command (passive, not refused), since overheard speech often has the same shape.
   */
  weak?: boolean;
  /** A kind word put before the target ("humidity" + "in the bathroom"): the template names the kind itself. */
  targetWord?: string;
  /** The number said is a decrease ("turn it down by 5" → volume_step -5). */
  negate?: boolean;
  /** The target must be said as a whole name or alias ("movie time" alone activates that scene; "dinner" does not). */
  exactName?: boolean;
}
