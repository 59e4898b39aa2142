import { randomBytes } from 'node:crypto';

/** A Home Assistant context: who or what caused a state change. */
export interface HaContext {
  id: string;
  parent_id: string | null;
  user_id: string | null;
}

/** A state object exactly as Home Assistant sends it in `get_states` and `state_changed`. */
export interface HaState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
  last_changed: string;
  last_reported: string;
  last_updated: string;
  context: HaContext;
}

/** Home Assistant's compressed state (`subscribe_entities`): s, a, c, lc and lu when it differs from lc. */
export interface CompressedState {
  s: string;
  a: Record<string, unknown>;
  c: string | HaContext;
  lc: number;
  lu?: number;
}

/** One entity's change in a `subscribe_entities` event: additions under `+`, removed attribute keys under `-`. */
export interface CompressedDiff {
  '+'?: { s?: string; a?: Record<string, unknown>; c?: string | Partial<HaContext>; lc?: number; lu?: number };
  '-'?: { a: string[] };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-shaped context id like the ones Home Assistant generates (time prefix + randomness). */
export function newContextId(now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  const rand = randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[rand[i]! % 32]!;
  return time + tail;
}

/** Seconds since the epoch from an ISO time, as Home Assistant's compressed states carry it. */
export function isoToSeconds(iso: string): number {
  return Date.parse(iso) / 1000;
}

/** Compresses a state the way Home Assistant's `State.as_compressed_state` does. */
export function compressState(state: HaState): CompressedState {
  const ctx = state.context;
  const out: CompressedState = {
    s: state.state,
    a: state.attributes,
    c: ctx.parent_id === null && ctx.user_id === null ? ctx.id : ctx,
    lc: isoToSeconds(state.last_changed),
  };
  if (state.last_updated !== state.last_changed) out.lu = isoToSeconds(state.last_updated);
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The `c` entry for one entity between two states, as Home Assistant's `_state_diff` builds it. */
export function diffStates(oldState: HaState, newState: HaState): CompressedDiff {
  const add: NonNullable<CompressedDiff['+']> = {};
  const diff: CompressedDiff = { '+': add };
  if (oldState.state !== newState.state) add.s = newState.state;
  if (oldState.last_changed !== newState.last_changed) add.lc = isoToSeconds(newState.last_changed);
  else if (oldState.last_updated !== newState.last_updated) add.lu = isoToSeconds(newState.last_updated);
  const o = oldState.context;
  const n = newState.context;
  let ctx: Partial<HaContext> | undefined;
  if (o.parent_id !== n.parent_id) ctx = { parent_id: n.parent_id };
  if (o.user_id !== n.user_id) ctx = { ...ctx, user_id: n.user_id };
  if (o.id !== n.id) {
    if (ctx) ctx.id = n.id;
    else add.c = n.id;
  }
  if (ctx) add.c = ctx;
  const added: Record<string, unknown> = {};
  let anyAdded = false;
  for (const [k, v] of Object.entries(newState.attributes)) {
    if (!(k in oldState.attributes) || !sameValue(oldState.attributes[k], v)) {
      added[k] = v;
      anyAdded = true;
    }
  }
  if (anyAdded) add.a = added;
  const removed = Object.keys(oldState.attributes).filter((k) => !(k in newState.attributes));
  if (removed.length > 0) diff['-'] = { a: removed };
  return diff;
}
