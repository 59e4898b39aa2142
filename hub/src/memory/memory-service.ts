import bm25 from 'wink-bm25-text-search';
import type { Database as Db } from 'better-sqlite3';
import { HashedNgramEmbedder } from '../observer/index.js';
import type { MemoryLogger } from './logger.js';
import { MemoryError } from './errors.js';
import { applyCorrection, isCorrection } from './parse.js';
import { memoryTokens } from './tokens.js';

/** One stored fact. `personId` null = the household's. */
export interface Fact {
  id: number;
  personId: number | null;
  text: string;
  deviceId: string | null;
  area: string | null;
  saidAt: number;
  /** The fact this one corrected (and replaced), if any. */
  replaces: number | null;
  /**
   * The wordings this fact replaced, oldest first: kept so a question in the old words still finds it
   * (lexical search reads them; the answer is the current text) and so the API can show the history.
   */
  superseded: SupersededWording[];
}

/** An earlier wording of a corrected fact: what was said, when, by which device. */
export interface SupersededWording {
  text: string;
  saidAt: number;
  deviceId: string | null;
}

/** Who is speaking: the device decides the person (its owner) unless a person is given. */
export interface MemoryOrigin {
  deviceId?: string | undefined;
  area?: string | undefined;
  /** Overrides the device's owner (API, benchmarks); null = the household. */
  personId?: number | null | undefined;
  at?: number | undefined;
}

/** A retrieved fact with its fused score and the evidence behind it. */
export interface RecallHit {
  fact: Fact;
  score: number;
  cosine: number;
  sharedWords: number;
  /** Shared words that few facts use (a name, "stroller"; not "my", "code" when every fact has one). */
  rareSharedWords: number;
  /** How much the shared words say: each weighs by its rarity (idf), half for a word only in an earlier wording. */
  weight: number;
}

/** Options of {@link MemoryService}. */
export interface MemoryServiceOptions {
  db: Db;
  clock?: () => number;
  logger?: MemoryLogger;
}

interface Row { id: number; person_id: number | null; text: string; device_id: string | null; area: string | null; said_at: number; replaces: number | null; superseded: string }

const fromRow = (r: Row): Fact => ({ id: Number(r.id), personId: r.person_id === null ? null : Number(r.person_id), text: r.text, deviceId: r.device_id, area: r.area, saidAt: Number(r.said_at), replaces: r.replaces === null ? null : Number(r.replaces), superseded: parseSuperseded(r.superseded) });

/** The stored history (a JSON array); entries that are not wordings are skipped rather than trusted. */
function parseSuperseded(json: string): SupersededWording[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((e: unknown) => {
    if (typeof e !== 'object' || e === null) return [];
    const { text, saidAt, deviceId } = e as Record<string, unknown>;
    if (typeof text !== 'string' || typeof saidAt !== 'number') return [];
    return [{ text, saidAt, deviceId: typeof deviceId === 'string' ? deviceId : null }];
  });
}

/** At most this many earlier wordings are kept per fact (the oldest go first). */
const MAX_SUPERSEDED = 10;
/** The words a fact is found by: its current text and the wordings it replaced. */
const factTokens = (f: Fact): string[] => [f.text, ...f.superseded.map((w) => w.text)].flatMap(memoryTokens);
const blob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
/** Reciprocal rank fusion constant (the usual 60). */
const RRF_K = 60;
/**
 * Cosine (hashed n-gram) at which a fact counts as about the question on its own. High: between short
 * texts that share one common word ("alarm code" / "the safe code is 5555") it runs near 0.5.
 */
const MIN_COSINE = 0.65;
/** Shared content words (at most the question's own count) for a fact to answer a question. */
const MIN_SHARED = 2;
/** A word is rare when at most this share of the facts use it (and at least one: one fact of two). */
const RARE_SHARE = 0.03;
/**
 * …or when at most this many facts use it and they are at most a tenth of the store: without it, whether
 * "park" or "allergic" (three facts each) identified a fact flipped when one correction took a store of
 * 100 facts to 99. In a store of a handful of facts a word two of them use is still common.
 */
const RARE_FLOOR = 3;
const RARE_FLOOR_SHARE = 0.1;

/** The words a correction opens with, which are not part of the fact ("actually, …", "no, sorry, …"). */
const CORRECTION_LEAD_IN = /^(?:(?:no|nope|sorry|oh|actually|wait|correction)\b[,:]?\s+)+/i;
/** Words of the speaker about themselves. */
const FIRST_PERSON = /\b(?:i|i'm|i've|i'd|my|me|mine|myself)\b/i;
/** What agreeing on "I/my" weighs, against a shared word's idf (about 1 for a common word, 4 for a rare one). */
const SELF_BONUS = 0.5;

/** People a question names by their possessive or capitalised name ("Ben's", "does Chris …"), lower case. */
function namedPeople(question: string): string[] {
  const out = new Set<string>();
  for (const m of question.matchAll(/(?<!^)\b([A-Z][a-z]+)(?:'s)?\b/g)) {
    if (!/^(?:I|Dr|Mr|Mrs|Ms|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Christmas|Jarvis)$/.test(m[1]!)) out.add(m[1]!.toLowerCase());
  }
  return [...out];
}

/**
 * Facts people tell Jarvis: stored with who said them (a person, or the household), where and when;
 * retrieved by meaning — sqlite-vec nearest neighbours over the hashed n-gram embedding fused with BM25
 * keyword search (wink-bm25-text-search) by reciprocal rank fusion; corrected, forgotten, purged with
 * muted or forgotten stretches. The embedding is lexical (no embedding model): see `embedder`.
 */
export class MemoryService {
  /** Which embedding is active (said by the hub's status). */
  readonly embedder = new HashedNgramEmbedder();
  private readonly clock: () => number;
  private readonly log: MemoryLogger | undefined;
  private index: { engine: ReturnType<typeof bm25>; size: number; df: Map<string, number> } | undefined;
  /** The fact each scope touched last (remembered or recalled), for "actually it's …". */
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly options: MemoryServiceOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.logger;
  }

  /** A person by name, created when new. */
  person(name: string): number {
    const clean = name.trim();
    if (clean === '' || clean.length > 100) throw new MemoryError('JARVIS_MEMORY_BAD_ARGUMENT', 'person name: 1 to 100 characters');
    const db = this.options.db;
    const row = db.prepare('SELECT id FROM people WHERE name = ?').get(clean) as { id: number } | undefined;
    if (row) return Number(row.id);
    return Number(db.prepare('INSERT INTO people (name, created_at) VALUES (?, ?)').run(clean, this.clock()).lastInsertRowid);
  }

  /** Every person. */
  people(): { id: number; name: string }[] {
    return (this.options.db.prepare('SELECT id, name FROM people ORDER BY id').all() as { id: number; name: string }[]).map((p) => ({ id: Number(p.id), name: p.name }));
  }

  /** Makes a person the owner of a device (a wearable); null gives it to the household (a shared satellite). */
  setDeviceOwner(deviceId: string, personId: number | null): void {
    const r = this.options.db.prepare("UPDATE devices SET owner_person_id = ? WHERE printf('%08x', id) = ?").run(personId, deviceId);
    if (r.changes === 0) throw new MemoryError('JARVIS_MEMORY_NOT_FOUND', `no device ${JSON.stringify(deviceId)}`);
  }

  /** The person a device speaks for: its owner, or null (the household). */
  personOf(origin: MemoryOrigin): number | null {
    if (origin.personId !== undefined) return origin.personId;
    if (origin.deviceId === undefined) return null;
    const row = this.options.db.prepare("SELECT owner_person_id AS p FROM devices WHERE printf('%08x', id) = ?").get(origin.deviceId) as { p: number | null } | undefined;
    return row?.p === null || row?.p === undefined ? null : Number(row.p);
  }

  /**
   * Stores a fact. A statement that reads as a correction ("actually the car is on level 4") replaces
   * the closest fact of the same person instead of adding a second one.
   */
  remember(text: string, origin: MemoryOrigin = {}): { fact: Fact; replaced: Fact | undefined } {
    const clean = text.trim().replace(/[.!]+$/, '');
    if (clean === '' || clean.length > 500) throw new MemoryError('JARVIS_MEMORY_BAD_ARGUMENT', 'fact: 1 to 500 characters');
    const personId = this.personOf(origin);
    let replaced: Fact | undefined;
    if (isCorrection(clean)) {
      const hit = this.recall(clean, { ...origin, personId }, { touch: false });
      if (hit && hit.fact.personId === personId) replaced = hit.fact;
    }
    // "Actually the key is in the blue pot" is kept, and said back, as "the key is in the blue pot".
    const said = clean.replace(CORRECTION_LEAD_IN, '');
    const fact = this.insert(said === '' ? clean : said, personId, origin, replaced);
    return { fact, replaced };
  }

  /**
   * "Actually the spare key is in the blue pot": replaces the fact of this person the statement is about;
   * undefined (nothing stored) when it corrects none, so a command that merely starts with "actually" goes on.
   */
  restate(statement: string, origin: MemoryOrigin = {}): { fact: Fact; replaced: Fact } | undefined {
    const clean = statement.trim().replace(/[.!]+$/, '');
    if (clean === '' || clean.length > 500) throw new MemoryError('JARVIS_MEMORY_BAD_ARGUMENT', 'fact: 1 to 500 characters');
    const personId = this.personOf(origin);
    const hit = this.recall(clean, { ...origin, personId }, { touch: false });
    if (!hit || hit.fact.personId !== personId) return undefined;
    const said = clean.replace(CORRECTION_LEAD_IN, '');
    return { fact: this.insert(said === '' ? clean : said, personId, origin, hit.fact), replaced: hit.fact };
  }

  /** "Actually it's level 4": rewrites the fact this person touched last. */
  correct(value: string, origin: MemoryOrigin = {}): { fact: Fact; replaced: Fact } | undefined {
    const personId = this.personOf(origin);
    const lastId = this.lastTouched.get(scopeKey(personId));
    const last = lastId === undefined ? undefined : this.get(lastId);
    if (!last) return undefined;
    const fact = this.insert(applyCorrection(last.text, value.trim().replace(/[.!]+$/, '')), last.personId, origin, last);
    return { fact, replaced: last };
  }

  /** The fact that answers a question, or undefined ("I don't know"). */
  recall(question: string, origin: MemoryOrigin = {}, opts: { touch?: boolean } = {}): RecallHit | undefined {
    const personId = this.personOf(origin);
    // "What's Ben's shoe size?" is not answered by the asker's "my shoe size": a person the question
    // names must be named by the fact, or own it.
    const named = namedPeople(question);
    const names = new Map(this.people().map((p) => [p.id, p.name.toLowerCase()]));
    const aboutNamed = (f: Fact): boolean => named.every((n) => factTokens(f).includes(n) || (f.personId !== null && f.personId !== personId && names.get(f.personId) === n));
    // About the question: it shares a word few facts use (a name, "stroller", "coffee"; not "my",
    // "number"), or two words, or its embedding is close. The best-ranked fact that is about it answers.
    const wanted = Math.min(MIN_SHARED, new Set(memoryTokens(question)).size);
    const about = (h: RecallHit): boolean => h.sharedWords >= Math.max(1, wanted) || h.cosine >= MIN_COSINE || h.rareSharedWords > 0;
    const candidates = this.search(question, origin, 5).filter((h) => aboutNamed(h.fact) && about(h));
    // Said of oneself on both sides ("am I allergic" / "I'm allergic to penicillin", not "Ben is …"): a small lead.
    const selfQuestion = FIRST_PERSON.test(question);
    const strength = (h: RecallHit): number => h.weight + (selfQuestion && FIRST_PERSON.test(h.fact.text) ? SELF_BONUS : 0);
    const hit = candidates.reduce<RecallHit | undefined>((best, h) => (best === undefined || strength(h) > strength(best) ? h : best), undefined);
    if (!hit) return undefined;
    if (opts.touch ?? true) this.lastTouched.set(scopeKey(this.personOf(origin)), hit.fact.id);
    return hit;
  }

  /** Facts ranked for a query within the speaker's scope (their own and the household's), best first. */
  search(query: string, origin: MemoryOrigin = {}, limit = 5): RecallHit[] {
    const personId = this.personOf(origin);
    const inScope = (f: Fact): boolean => f.personId === null || f.personId === personId;
    const all = new Map(this.list().map((f) => [f.id, f]));
    if (all.size === 0) return [];
    const qTokens = new Set(memoryTokens(query));
    const qv = this.embedder.embedSync(qTokens.size > 0 ? [...qTokens].join(' ') : query);
    const nearest = this.options.db
      .prepare('SELECT rowid AS id, distance FROM fact_vectors WHERE embedding MATCH ? AND k = ? AND embedder = ? ORDER BY distance')
      .all(blob(qv), Math.min(all.size, 4096), this.embedder.id) as { id: number | bigint; distance: number }[];
    const cosineOf = new Map<number, number>();
    const vecRank = nearest.map((r) => Number(r.id)).filter((id) => { const f = all.get(id); return f !== undefined && inScope(f); });
    for (const r of nearest) cosineOf.set(Number(r.id), 1 - r.distance);
    const keyRank = this.keywordSearch([...qTokens].join(' ')).filter((id) => { const f = all.get(id); return f !== undefined && inScope(f); });
    const fused = new Map<number, number>();
    vecRank.forEach((id, i) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
    keyRank.forEach((id, i) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + i + 1)));
    const rareMax = Math.max(1, Math.min(RARE_FLOOR, all.size * RARE_FLOOR_SHARE), all.size * RARE_SHARE);
    return [...fused.entries()]
      .sort((a, b) => b[1] - a[1] || (all.get(b[0])!.saidAt - all.get(a[0])!.saidAt))
      .slice(0, limit)
      .map(([id, score]) => {
        const fact = all.get(id)!;
        const sharedSet = new Set(factTokens(fact).filter((t) => qTokens.has(t)));
        // One rare word is enough only in what the fact says now: an old wording ("my reading glasses …")
        // must share two words, so a stale word alone ("my BP reading") does not answer.
        const current = new Set(memoryTokens(fact.text));
        const rare = [...sharedSet].filter((t) => current.has(t) && this.documentFrequency(t) <= rareMax).length;
        const weight = [...sharedSet].reduce((w, t) => w + Math.log(1 + all.size / Math.max(1, this.documentFrequency(t))) * (current.has(t) ? 1 : 0.5), 0);
        return { fact, score, cosine: cosineOf.get(id) ?? 0, sharedWords: sharedSet.size, rareSharedWords: rare, weight };
      });
  }

  /** "Forget what I said about the car": deletes this person's facts about the topic; returns them. */
  forgetAbout(topic: string, origin: MemoryOrigin = {}): Fact[] {
    const personId = this.personOf(origin);
    const topicTokens = new Set(memoryTokens(topic));
    if (topicTokens.size === 0) return [];
    const gone = this.list().filter((f) => (f.personId === personId || f.personId === null) && factTokens(f).some((t) => topicTokens.has(t)));
    for (const f of gone) this.delete(f.id);
    return gone;
  }

  /** Facts, newest first; `personId` keeps one person's (null = the household's). */
  list(filter: { personId?: number | null } = {}): Fact[] {
    const db = this.options.db;
    const rows = filter.personId === undefined
      ? db.prepare('SELECT * FROM facts ORDER BY said_at DESC, id DESC').all()
      : filter.personId === null
        ? db.prepare('SELECT * FROM facts WHERE person_id IS NULL ORDER BY said_at DESC, id DESC').all()
        : db.prepare('SELECT * FROM facts WHERE person_id = ? ORDER BY said_at DESC, id DESC').all(filter.personId);
    return (rows as Row[]).map(fromRow);
  }

  /** One fact, or undefined. */
  get(id: number): Fact | undefined {
    const row = this.options.db.prepare('SELECT * FROM facts WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Deletes a fact and its vector; false when there was none. */
  delete(id: number): boolean {
    const db = this.options.db;
    const removed = db.transaction(() => {
      db.prepare('DELETE FROM fact_vectors WHERE rowid = ?').run(BigInt(id));
      return db.prepare('DELETE FROM facts WHERE id = ?').run(id).changes > 0;
    })();
    if (removed) this.index = undefined;
    return removed;
  }

  /**
   * The privacy rule: facts said in a muted or forgotten stretch never exist. Deletes the facts said by
   * a device (or any, with null) from `from` on; returns how many.
   */
  purge(deviceId: string | null, from: number): number {
    const rows = (deviceId === null
      ? this.options.db.prepare('SELECT id FROM facts WHERE said_at >= ?').all(from)
      : this.options.db.prepare('SELECT id FROM facts WHERE device_id = ? AND said_at >= ?').all(deviceId, from)) as { id: number }[];
    let n = 0;
    for (const r of rows) if (this.delete(Number(r.id))) n++;
    // A fact corrected later (or on another device) keeps its earlier wordings: those said in the stretch go too.
    const inStretch = (w: SupersededWording): boolean => w.saidAt >= from && (deviceId === null || w.deviceId === deviceId);
    let wordings = 0;
    for (const f of this.list()) {
      const keep = f.superseded.filter((w) => !inStretch(w));
      if (keep.length === f.superseded.length) continue;
      wordings += f.superseded.length - keep.length;
      this.options.db.prepare('UPDATE facts SET superseded = ? WHERE id = ?').run(JSON.stringify(keep), f.id);
      this.index = undefined;
    }
    if (n > 0 || wordings > 0) this.log?.info({ deviceId: deviceId ?? 'all', facts: n, earlierWordings: wordings }, 'purged facts of a muted or forgotten stretch');
    return n;
  }

  private insert(text: string, personId: number | null, origin: MemoryOrigin, replaced: Fact | undefined): Fact {
    const db = this.options.db;
    const at = origin.at ?? this.clock();
    const id = db.transaction(() => {
      const superseded = replaced ? [...replaced.superseded, { text: replaced.text, saidAt: replaced.saidAt, deviceId: replaced.deviceId }].slice(-MAX_SUPERSEDED) : [];
      // Inserted before the replaced row goes, so the correction never reuses its id (`replaces` names another fact).
      const newId = Number(db.prepare('INSERT INTO facts (person_id, text, device_id, area, said_at, replaces, superseded) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(personId, text, origin.deviceId ?? null, origin.area ?? null, at, replaced?.id ?? null, JSON.stringify(superseded)).lastInsertRowid);
      if (replaced) {
        db.prepare('DELETE FROM fact_vectors WHERE rowid = ?').run(BigInt(replaced.id));
        db.prepare('DELETE FROM facts WHERE id = ?').run(replaced.id);
      }
      db.prepare('INSERT INTO fact_vectors (rowid, embedding, embedder) VALUES (?, ?, ?)').run(BigInt(newId), blob(this.embedder.embedSync(memoryTokens(text).join(' ') || text)), this.embedder.id);
      return newId;
    })();
    this.index = undefined;
    this.lastTouched.set(scopeKey(personId), id);
    return this.get(id)!;
  }

  /** How many facts use a token (for the rarity of shared words). */
  private documentFrequency(token: string): number {
    this.keywordSearch('');
    return this.index?.df.get(token) ?? 0;
  }

  /** BM25 over every fact; rebuilt after a change (wink's index is frozen once consolidated). */
  private keywordSearch(query: string): number[] {
    if (!this.index) {
      const facts = this.list();
      const df = new Map<string, number>();
      // Rarity counts what facts say now: a corrected fact's old words do not make a word common.
      for (const f of facts) for (const t of new Set(memoryTokens(f.text))) df.set(t, (df.get(t) ?? 0) + 1);
      const engine = bm25();
      // The words a fact was corrected away from still find it, a little behind its own words.
      engine.defineConfig({ fldWeights: { text: 1, earlier: 0.5 } });
      engine.definePrepTasks([(s) => memoryTokens(String(s))]);
      for (const f of facts) engine.addDoc({ text: f.text, earlier: f.superseded.map((w) => w.text).join(' . ') }, String(f.id));
      // wink needs three documents to consolidate; below that only the vector search ranks.
      if (facts.length >= 3) engine.consolidate();
      this.index = { engine, size: facts.length, df };
    }
    if (query.trim() === '') return [];
    if (this.index.size < 3) return [];
    return this.index.engine.search(query, 50).map(([id]) => Number(id));
  }
}

function scopeKey(personId: number | null): string {
  return personId === null ? 'household' : `person:${personId}`;
}
