import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { DownloadProgress, PullOptions, PullResult, ModelEntry, ModelStatus } from '../stt/index.js';
import { ApiError } from './errors.js';
import { docs, parseWith } from './route-docs.js';

/** A feature of the hub: on or off, why, and the command or setting that turns it on. */
export interface FeatureState {
  id: string;
  name: string;
  on: boolean;
  reason: string;
  enable: string | null;
}

/** What the rolling transcript buffer holds. */
export interface BufferState {
  segments: number;
  characters: number;
  oldestAt: number | null;
  windowMs: number;
}

/** What the system routes read. */
export interface SystemDeps {
  version: string;
  startedAt: number;
  features: () => FeatureState[];
  homeAssistant: () => { configured: boolean; state: string; url: string | null; entities: number | null };
  /** The rolling buffer, or undefined when the observer is off. */
  buffer: () => BufferState | undefined;
  catalogue: () => readonly ModelEntry[];
  modelsDir: string;
  modelStatus: (dir: string, entry: ModelEntry) => ModelStatus;
  pullModel: (dir: string, entry: ModelEntry, options: PullOptions) => Promise<PullResult>;
  /** hub/ERRORS.md, whose tables give every code's meaning. */
  errorsFile: string | URL;
}

/** A model download the hub runs for the dashboard. */
export interface PullState {
  state: 'running' | 'done' | 'failed';
  receivedBytes: number;
  totalBytes: number | null;
  error: string | null;
  startedAt: number;
}

/** Every `| \`CODE\` | meaning |` row of an ERRORS.md, the bracketed HTTP status dropped. */
export function parseErrorTable(markdown: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^\[\d{3}\]\s*/, '');
  }
  return out;
}

const modelParams = z.strictObject({ name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'is not a model name') });

/**
 * `/api/v1` routes for the System and Privacy pages: `GET /system` (features on and off with why and how to
 * turn each on, Home Assistant's state), `GET /models` and `POST /models/:name/pull` (a download with progress,
 * checked against the catalogue's SHA-256), `GET /errors` (every error code and its meaning), and
 * `GET /observer/buffer` (the rolling transcript buffer's size and age).
 */
export function systemRoutes(deps: SystemDeps): FastifyPluginAsync {
  const pulls = new Map<string, PullState>();
  let meanings: Record<string, string> | undefined;
  return async (app) => {
    app.get('/system', docs({ summary: 'Features on and off (why, and how to turn each on), Home Assistant connection, version', tags: ['system'] }), async () => ({
      version: deps.version,
      startedAt: new Date(deps.startedAt).toISOString(),
      features: deps.features(),
      homeAssistant: deps.homeAssistant(),
    }));

    app.get('/models', docs({ summary: 'Known models, whether each is present, and running pulls with progress', tags: ['system'] }), async () => ({
      models: deps.catalogue().map((entry) => {
        const s = deps.modelStatus(deps.modelsDir, entry);
        const pull = pulls.get(entry.name);
        return {
          name: entry.name, kind: entry.kind, file: entry.file, description: entry.description, licence: entry.licence,
          present: s.state === 'present', state: s.state, bytes: s.bytes, sizeBytes: entry.size,
          pull: pull ? { state: pull.state, receivedBytes: pull.receivedBytes, totalBytes: pull.totalBytes, error: pull.error } : null,
        };
      }),
    }));

    app.post('/models/:name/pull', docs({ summary: 'Start downloading a catalogue model (resumes, checks SHA-256); progress in GET /models', tags: ['system'], params: modelParams }), async (req, reply) => {
      const { name } = parseWith(modelParams, req.params, 'params');
      const entry = deps.catalogue().find((e) => e.name === name);
      if (!entry) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no model called ${JSON.stringify(name)} in the catalogue`);
      const running = pulls.get(name);
      if (running?.state === 'running') return reply.status(202).send({ name, pull: running });
      const state: PullState = { state: 'running', receivedBytes: 0, totalBytes: entry.size, error: null, startedAt: Date.now() };
      pulls.set(name, state);
      void deps
        .pullModel(deps.modelsDir, entry, {
          onProgress: (p: DownloadProgress) => {
            state.receivedBytes = p.received;
            state.totalBytes = p.total;
          },
        })
        .then(
          (r) => {
            state.state = 'done';
            state.receivedBytes = r.bytes;
          },
          (err: unknown) => {
            state.state = 'failed';
            state.error = err instanceof Error ? err.message : String(err);
            req.log.warn({ err, model: name }, 'model pull failed');
          },
        );
      return reply.status(202).send({ name, pull: state });
    });

    app.get('/errors', docs({ summary: 'Every error code the hub answers or records, with its meaning (from hub/ERRORS.md)', tags: ['system'] }), async () => {
      if (!meanings) {
        try {
          meanings = parseErrorTable(readFileSync(deps.errorsFile, 'utf8'));
        } catch {
          meanings = {};
        }
      }
      return { codes: meanings };
    });

    app.get('/observer/buffer', docs({ summary: "The rolling transcript buffer: segments, characters, the oldest one's time, the window", tags: ['privacy'] }), async () => {
      const b = deps.buffer();
      if (!b) throw new ApiError(503, 'JARVIS_API_UNAVAILABLE', 'the observer is off: no rolling buffer');
      return { segments: b.segments, characters: b.characters, oldestAt: b.oldestAt === null ? null : new Date(b.oldestAt).toISOString(), windowMs: b.windowMs };
    });
  };
}

