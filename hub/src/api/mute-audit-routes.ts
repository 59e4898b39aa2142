import type { MuteAuditEntry, MuteAuditResponse } from '@jarvis/protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { MuteAuditRow } from '../store/index.js';
import { docs, parseWith } from './route-docs.js';

/** What the mute audit route reads. */
export interface MuteAuditDeps {
  /** Every audit row (of one device when given), oldest first. */
  rows(deviceId?: string): MuteAuditRow[];
  deviceName(deviceId: string): string | undefined;
  now?: () => number;
}

const auditQuery = z.strictObject({
  device: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits').optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** Pairs each mute with the unmute that ended it; newest first (the entry type is @jarvis/protocol's, which the dashboard reads). */
export function auditEntries(rows: readonly MuteAuditRow[], name: (id: string) => string | undefined): MuteAuditEntry[] {
  const endOf = new Map<number, number>();
  const openMute = new Map<string, MuteAuditRow>();
  for (const r of rows) {
    if (r.muted) {
      if (!openMute.has(r.deviceId)) openMute.set(r.deviceId, r);
    } else {
      const m = openMute.get(r.deviceId);
      if (m) endOf.set(m.id, r.at - m.at);
      openMute.delete(r.deviceId);
    }
  }
  return rows
    .map((r) => ({
      id: r.id,
      deviceId: r.deviceId,
      deviceName: name(r.deviceId) ?? null,
      muted: r.muted,
      source: r.source,
      actor: r.actor ?? null,
      at: new Date(r.at).toISOString(),
      durationMs: r.muted ? (endOf.get(r.id) ?? null) : null,
    }))
    .reverse();
}

/** `GET /api/v1/mute-audit?device=&limit=`: every mute and unmute, newest first, with source and duration. */
export function muteAuditRoutes(deps: MuteAuditDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/mute-audit', docs({ summary: 'The mute audit: every mute and unmute with its source, who, and how long it lasted', tags: ['privacy'], query: auditQuery }), async (req): Promise<MuteAuditResponse> => {
      const q = parseWith(auditQuery, req.query, 'query');
      return { entries: auditEntries(deps.rows(q.device), deps.deviceName).slice(0, q.limit ?? 200) };
    });
  };
}
