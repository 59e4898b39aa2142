import type { FastifyPluginAsync } from 'fastify';
import type { LiveEvents } from './live-events.js';
import { docs } from './route-docs.js';

/**
 * `GET /api/v1/events`: the live events as server-sent events (`text/event-stream`). Types: `hello` (link
 * history), `device-level`, `device-stats`, `run` (a voice run each time it changes), `mute`, and `device`,
 * `todo`, `task`, `worker`, `model` (something changed: load it again).
 */
export function eventsRoutes(live: LiveEvents): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/events',
      docs({ summary: 'Live events (server-sent events): voice runs, device levels and link stats, mute changes, change signals', tags: ['live'] }),
      async (_req, reply) => {
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        reply.raw.write('retry: 2000\n\n');
        live.attach(reply.raw);
      },
    );
  };
}
