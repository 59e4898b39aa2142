import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { PendingReply } from '../router/index.js';
import { docs, parseWith } from './route-docs.js';

/** What the replies routes read: the cold-replies part's pending list, wired by `main.ts`. */
export interface RepliesRouteDeps {
  pendingReplies(): PendingReply[];
}

const pendingQuery = z.strictObject({ deviceId: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits').optional() });

/**
 * `GET /api/v1/replies/pending[?deviceId=…]`: answers of background tasks not spoken yet, each with what it waits for
 * (its task, or its device to come online) and when it expires unspoken. A bad query is JARVIS_API_BAD_REQUEST.
 */
export function repliesRoutes(deps: RepliesRouteDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/replies/pending', docs({ summary: 'Answers of background tasks waiting to be spoken (task running, or device offline) and when each expires', tags: ['tasks'], query: pendingQuery }), async (req) => {
      const { deviceId } = parseWith(pendingQuery, req.query, 'query');
      const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
      const replies = deps
        .pendingReplies()
        .filter((r) => deviceId === undefined || r.deviceId === deviceId)
        .map((r) => ({ ...r, createdAt: iso(r.createdAt), settledAt: iso(r.settledAt), expiresAt: iso(r.expiresAt) }));
      return { replies };
    });
  };
}
