/**
 * N-best action consensus (issue 14): the grammar search's N best sentences, weighed as posteriors and grouped by
 * the action they mean, so that what is chosen (and how sure the hearing is) depends on how much of the evidence
 * points at one action rather than on the single best word string. Pure; the action of a sentence comes from an
 * injected function (the router's reading), so this part imports nothing of the router.
 */

/** One sentence of the N-best list. */
export interface NbestHypothesis {
  text: string;
  /** Path score minus the best sentence's (pocketsphinx log units, ≤ 0 up to the lattice's own rescoring). */
  score: number;
  /** Share of the list's probability mass (sums to 1 over the list). */
  posterior: number;
}

/**
 * What the router would do with a sentence, as a key equal for sentences that do the same thing (intent, targets,
 * values), or `null` when it can do nothing with it now (not understood, a refusal, a device the home lacks).
 */
export type ActionOf = (text: string, area: string | undefined) => string | null;

/** How the engine uses the N-best list. */
export interface ConsensusOptions {
  /** How many distinct sentences to ask the lattice for (0: none; the binding caps it at 200). */
  size: number;
  /** Posterior = softmax(score × scale) over the list: the acoustic scale of the path scores. */
  scale: number;
  /**
   * `best-path`: the text stays the best path (the list only measures agreement); `action`: the text is the best
   * sentence of the action with the most posterior mass (minimum Bayes risk at the action level, 0/1 loss on actions).
   */
  pick: 'best-path' | 'action';
  /** Sentences the router can do nothing with are left out of the vote (their mass goes to none). */
  possibleOnly: boolean;
}

/** What the list says about an utterance. */
export interface Consensus {
  /** The chosen sentence (the best path unless `pick: 'action'` chose another). */
  text: string;
  /** Its action key (null: the router can do nothing with it). */
  action: string | null;
  /** Posterior mass of the chosen sentence's action among the voting sentences (0..1; 1 when the list is empty). */
  agreement: number;
  /** Whether the chosen sentence differs from the best path. */
  changed: boolean;
}

/** Posteriors of scored sentences: softmax(score × scale), best first; an empty list stays empty. */
export function posteriors(list: ReadonlyArray<{ text: string; score: number }>, scale: number): NbestHypothesis[] {
  if (list.length === 0) return [];
  const top = Math.max(...list.map((h) => h.score));
  const w = list.map((h) => Math.exp((h.score - top) * scale));
  const sum = w.reduce((a, b) => a + b, 0);
  return list.map((h, i) => ({ text: h.text, score: h.score - top, posterior: w[i]! / sum })).sort((a, b) => b.posterior - a.posterior);
}

/**
 * The action consensus of an N-best list for the best path `best`. Sentences are grouped by `actionOf`; with
 * `possibleOnly` the ones the router can do nothing with do not vote (unless none can be done). The agreement is the
 * mass of the chosen sentence's action over the voters' mass.
 */
export function actionConsensus(
  best: string, list: readonly NbestHypothesis[], actionOf: ActionOf, area: string | undefined, options: Pick<ConsensusOptions, 'pick' | 'possibleOnly'>,
): Consensus {
  const bestAction = actionOf(best, area);
  if (list.length === 0) return { text: best, action: bestAction, agreement: 1, changed: false };
  const keyed = list.map((h) => ({ ...h, action: h.text === best ? bestAction : actionOf(h.text, area) }));
  const anyPossible = keyed.some((h) => h.action !== null);
  const voters = options.possibleOnly && anyPossible ? keyed.filter((h) => h.action !== null) : keyed;
  const mass = new Map<string, number>();
  const keyOf = (h: { text: string; action: string | null }): string => h.action ?? `\u0000none:${h.text}`;
  for (const h of voters) mass.set(keyOf(h), (mass.get(keyOf(h)) ?? 0) + h.posterior);
  const total = voters.reduce((a, h) => a + h.posterior, 0) || 1;
  if (options.pick === 'best-path') {
    const own = mass.get(keyOf({ text: best, action: bestAction })) ?? 0;
    return { text: best, action: bestAction, agreement: own / total, changed: false };
  }
  let chosen = voters[0]!;
  let chosenMass = -1;
  for (const h of voters) {
    const m = mass.get(keyOf(h))!;
    // Voters are best first: the first sentence of the heaviest action represents it; ties keep the best path's.
    if (m > chosenMass + 1e-12 || (Math.abs(m - chosenMass) <= 1e-12 && h.text === best)) { chosen = h; chosenMass = m; }
  }
  const bestVotes = voters.find((h) => h.text === best);
  if (bestVotes && keyOf(bestVotes) === keyOf(chosen)) chosen = bestVotes;
  return { text: chosen.text, action: chosen.action, agreement: chosenMass / total, changed: chosen.text !== best };
}
