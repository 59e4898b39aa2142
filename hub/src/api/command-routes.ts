import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { ApiError } from './errors.js';
import { MAX_COMMAND_CHARS, type CommandOrigin, type CommandOutcome, CommandError, type TranscriptSegment } from '../voice/index.js';
import { TRANSCRIPT_REFUSALS, type TranscriptRefusal, type TranscriptVerdict } from '../observer/index.js';

const deviceId = z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits');

const commandBody = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(MAX_COMMAND_CHARS),
  deviceId: deviceId.optional(),
  area: z.string().trim().min(1).max(100).optional(),
});

const transcriptBody = z.strictObject({
  deviceId,
  text: z.string().trim().min(1, 'must not be empty').max(2000),
  speaker: z.string().trim().min(1).max(40).optional(),
  /** ms since epoch; default: now minus a second per 15 characters. */
  startedAt: z.number().int().positive().optional(),
  endedAt: z.number().int().positive().optional(),
});

const forgetBody = z.strictObject({
  minutes: z.number().positive().max(24 * 60),
  deviceId: deviceId.optional(),
});

/** Why a posted transcript was not kept: the observer's reason, or nobody listening. */
export type TranscriptDropReason = TranscriptRefusal | 'no-listener';

const DROP_MESSAGES: Record<TranscriptDropReason, string> = {
  'malformed': 'the observer could not read the transcript',
  'no-words': 'the text has no words (only punctuation or a noise marker)',
  'too-old': 'the text ended before the observer\'s rolling window',
  'muted': 'the device is muted',
  'muted-stretch': 'the text overlaps a mute of the device (or the seconds before one), which is never kept',
  'forgotten': 'the text overlaps a stretch the user asked to forget',
  'duplicate': 'the same words from this device over the same time are already held',
  'no-listener': 'nothing reads passive transcripts (the observer is not running)',
};

const isVerdict = (v: unknown): v is TranscriptVerdict =>
  typeof v === 'object' && v !== null && (((v as { observed?: unknown }).observed === true)
    || ((v as { observed?: unknown }).observed === false && TRANSCRIPT_REFUSALS.includes((v as { reason?: unknown }).reason as TranscriptRefusal)));

/**
 * Why nobody kept a published transcript, or undefined when someone did: a listener that kept it, or one
 * that did not judge (fewer verdicts than listeners), means it was taken.
 */
export function dropReason(published: unknown, listeners: number): TranscriptDropReason | undefined {
  if (listeners === 0) return 'no-listener';
  if (!Array.isArray(published) || !published.every(isVerdict)) return undefined;
  const verdicts = published as TranscriptVerdict[];
  if (verdicts.length < listeners || verdicts.some((v) => v.observed)) return undefined;
  const refused = verdicts.find((v): v is Extract<TranscriptVerdict, { observed: false }> => !v.observed);
  return refused?.reason;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? undefined);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
  throw new CommandError('JARVIS_COMMAND_BAD_REQUEST', `${where}: ${issue?.message ?? 'invalid'}`);
}

/** The API view of a handled command: the decision and what was done. */
export function commandJson(o: CommandOutcome): Record<string, unknown> {
  return {
    decision: o.decision,
    result: o.result,
    deviceId: o.deviceId ?? null,
    area: o.area ?? null,
    replied: o.replied,
    ...(o.notUnderstood ? { notUnderstood: o.notUnderstood } : {}),
  };
}

/** What the command routes call: plain functions of the voice and observer parts, wired by `main.ts`. */
export interface CommandRouteDeps {
  /** The command service's `handleCommandText`. */
  handleCommandText(text: string, origin: CommandOrigin): Promise<CommandOutcome>;
  /**
   * Publishes a passive transcript on the transcript bus; returns the bus's verdicts (`TranscriptBus.publish`:
   * what each listener that judged it said). Any other return value counts as taken by every listener.
   */
  publishTranscript(segment: TranscriptSegment): unknown;
  /** How many listeners the transcript bus has. */
  transcriptListeners(): number;
  /** The observer's "forget the last N minutes"; undefined when the observer is not running. */
  forget: ((minutes: number, deviceId?: string) => Promise<unknown>) | undefined;
  deviceExists(deviceId: string): boolean;
  /** Whether the mute gate holds the device muted (a muted device's transcripts are dropped, and the answer says so). */
  isMuted?(deviceId: string): boolean;
  /** When the device was last unmuted: an estimated start never reaches back into that mute. */
  unmutedAt?(deviceId: string): number | undefined;
}

/**
 * Routes under `/api/v1`: `POST /commands {text, deviceId?, area?}` → `{decision, result, ...}` (the reply also
 * goes to the device when `deviceId` is given); `POST /transcripts {deviceId, text, speaker?}` publishes a passive
 * transcript (what the STT part does, for tools and demos) and answers 202 `{published: true, observed: true}` when the
 * observer kept it, `{published: false, dropped: "muted"}` when the device is muted, and 200 `{published: false,
 * observed: false, reason, dropped, code: "JARVIS_OBSERVER_TRANSCRIPT_REFUSED", message}` when the observer refused it
 * for another reason (`muted-stretch`, `forgotten`, `too-old`, `duplicate`, `no-words`, `malformed`, `no-listener`),
 * logged at info; `POST /transcripts/forget {minutes, deviceId?}`.
 * Errors are `{error: {code, message}}` with JARVIS_COMMAND_* codes.
 */
export function commandRoutes(deps: CommandRouteDeps, now: () => number = Date.now): FastifyPluginAsync {
  const { deviceExists } = deps;
  return async (app) => {
    app.setErrorHandler((err: FastifyError | CommandError | ApiError, req, reply) => {
      if (err instanceof CommandError || err instanceof ApiError) return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message } });
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) {
        req.log.error({ err }, 'command route failed');
        return reply.status(500).send({ error: { code: 'JARVIS_API_INTERNAL', message: 'internal error' } });
      }
      // fastify's own 4xx (body not JSON, wrong content type, too large) in this API's shape.
      return reply.status(status).send({ error: { code: 'JARVIS_COMMAND_BAD_REQUEST', message: err.message } });
    });

    app.post('/commands', async (req) => {
      const body = parse(commandBody, req.body);
      return commandJson(await deps.handleCommandText(body.text, { deviceId: body.deviceId, area: body.area, issuedAt: now() }));
    });

    app.post('/transcripts', async (req, reply) => {
      const body = parse(transcriptBody, req.body);
      if (!deviceExists(body.deviceId)) throw new CommandError('JARVIS_COMMAND_UNKNOWN_DEVICE', `deviceId: no device ${JSON.stringify(body.deviceId)}`);
      const endedAt = body.endedAt ?? now();
      // Without a start the speech is taken to have lasted as long as reading the text takes, but never from before
      // the device's last unmute: that stretch is a blackout, and the observer would silently drop the whole text.
      const unmutedAt = deps.unmutedAt?.(body.deviceId);
      const estimated = endedAt - Math.max(1000, Math.round((body.text.length / 15) * 1000));
      const startedAt = body.startedAt ?? (unmutedAt !== undefined && unmutedAt < endedAt ? Math.max(estimated, unmutedAt + 1) : estimated);
      if (startedAt > endedAt) throw new CommandError('JARVIS_COMMAND_BAD_REQUEST', 'startedAt: must not be after endedAt');
      if (deps.isMuted?.(body.deviceId)) {
        // The observer would drop it silently; the caller must learn that nothing was kept, and why.
        req.log.info({ device: body.deviceId }, 'transcript dropped: the device is muted');
        return reply.status(200).send({ published: false, dropped: 'muted', listeners: deps.transcriptListeners() });
      }
      const listeners = deps.transcriptListeners();
      const reason = dropReason(listeners === 0 ? [] : deps.publishTranscript({ deviceId: body.deviceId, text: body.text, startedAt, endedAt, ...(body.speaker ? { speaker: body.speaker } : {}) }), listeners);
      if (reason !== undefined) {
        // Said in the answer and the log: a dropped text used to be answered published: true.
        req.log.info({ device: body.deviceId, reason }, `transcript not observed: ${reason}`);
        return reply.status(200).send({ published: false, observed: false, reason, dropped: reason, code: 'JARVIS_OBSERVER_TRANSCRIPT_REFUSED', message: DROP_MESSAGES[reason], listeners });
      }
      return reply.status(202).send({ published: true, observed: true, listeners });
    });

    app.post('/transcripts/forget', async (req) => {
      const body = parse(forgetBody, req.body);
      const forget = deps.forget;
      if (!forget) throw new CommandError('JARVIS_COMMAND_UNAVAILABLE', 'the observer is not running');
      if (body.deviceId !== undefined && !deviceExists(body.deviceId)) throw new CommandError('JARVIS_COMMAND_UNKNOWN_DEVICE', `deviceId: no device ${JSON.stringify(body.deviceId)}`);
      const forgotten = await forget(body.minutes, body.deviceId);
      return { minutes: body.minutes, deviceId: body.deviceId ?? null, forgotten };
    });
  };
}
