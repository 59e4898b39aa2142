import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { whisperBuildInfo } from '@jarvis/whisper';
import { ApiError } from './errors.js';
import type { RunRecord, VoiceRunStore, VoicePipelineStatus } from '../voice/index.js';

const listQuery = z.strictObject({
  device: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits').optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const idParams = z.strictObject({ id: z.string().regex(/^[0-9a-z]{1,16}-[0-9a-z]{5}$/, 'is not a run id') });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const key = issue?.path.length ? issue.path.join('.') : (issue && 'keys' in issue ? (issue.keys as string[]).join(', ') : '');
  throw new ApiError(400, 'JARVIS_VOICE_BAD_REQUEST', `${what}${key ? `.${key}` : ''}: ${issue?.message ?? 'invalid'}`);
}

/** The JSON shape of a run: times as ms since epoch, events in order (no audio, no passive words). */
export function runJson(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id, deviceId: run.deviceId, kind: run.kind ?? null, startedAt: run.startedAt, endedAt: run.endedAt ?? null, reason: run.reason ?? null,
    events: run.events.map((e) => ({ type: e.type, at: e.at, ...(e.data ? { data: e.data } : {}) })),
  };
}

/** How the whisper addon was built (sources, SIMD flags, threading), or null when it is not built. */
function whisperBuildOrNull(): Record<string, unknown> | null {
  try {
    const { whisperCpp, sources, simd, threading, optimization, compiler, systemInfo } = whisperBuildInfo();
    return { whisperCpp, sources, simd, threading, optimization, compiler, systemInfo };
  } catch {
    return null;
  }
}

/**
 * Voice routes under `/api/v1`: `GET /runs?device=&limit=` (newest first), `GET /runs/:id`, and `GET /voice`
 * (engines, names, load). Errors are `{error: {code, message}}` with JARVIS_VOICE_* codes.
 */
export function voiceRoutes(runs: VoiceRunStore, status: () => VoicePipelineStatus): FastifyPluginAsync {
  return async (app) => {
    app.get('/runs', async (req) => {
      const q = parse(listQuery, req.query, 'query');
      return { runs: runs.list({ deviceId: q.device, limit: q.limit ?? 50 }).map(runJson) };
    });
    app.get('/runs/:id', async (req) => {
      const { id } = parse(idParams, req.params, 'params');
      const run = runs.get(id);
      if (!run) throw new ApiError(404, 'JARVIS_VOICE_RUN_NOT_FOUND', `no run ${id} in the last ${runs.capacity} runs`);
      return runJson(run);
    });
    app.get('/voice', async () => ({ ...status(), whisperBuild: whisperBuildOrNull() }));
  };
}
