import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { DeviceCredentials, DeviceKind, DeviceRecord } from '../store/index.js';
import { ApiError } from './errors.js';
import { deviceIdParam, docs, parseWith } from './route-docs.js';

/** What the device admin routes change in the running hub. */
export interface DeviceAdminDeps {
  find(deviceId: string): DeviceRecord | undefined;
  byName(name: string): DeviceRecord | undefined;
  add(input: { name: string; area: string; kind: DeviceKind }): { device: DeviceRecord; credentials: DeviceCredentials };
  update(id: number, change: { name?: string; area?: string }): DeviceRecord | undefined;
  rotateKey(id: number): { device: DeviceRecord; credentials: DeviceCredentials } | undefined;
  remove(id: number): boolean;
  /** Tells the running registry (keys, MQTT logins, UDP streams) at once instead of on its next poll. */
  refresh(): void;
  /** The device's provisioning bundle with its fresh credentials (shown once). */
  bundle(device: DeviceRecord, credentials: DeviceCredentials): unknown;
  /** Sets or lifts the software mute (audited with source `api` and who did it); the device's own mute stays. */
  setSoftwareMute(deviceId: string, muted: boolean, actor: string): void;
  muteState(deviceId: string): { muted: boolean; hardware: boolean; software: boolean };
}

const printable = (what: string) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), `${what} must be printable characters`);

const addBody = z.strictObject({ name: printable('name'), area: printable('area'), kind: z.enum(['wearable', 'satellite']).default('wearable') });
const patchBody = z.strictObject({ name: printable('name').optional(), area: printable('area').optional() }).refine((b) => b.name !== undefined || b.area !== undefined, 'give name and/or area');
const muteBody = z.strictObject({ muted: z.boolean() });

function deviceJson(d: DeviceRecord): Record<string, unknown> {
  return { id: d.deviceId, name: d.name, area: d.area, kind: d.kind, credentialVersion: d.credentialVersion, updatedAt: new Date(d.updatedAt).toISOString() };
}

/**
 * Device administration under `/api/v1`: `POST /devices` (add; the bundle is in the answer once),
 * `PATCH /devices/:id` (rename, move to an area), `POST /devices/:id/rotate-key` (new key; new bundle once),
 * `DELETE /devices/:id`, and `POST /devices/:id/mute {muted}` (the software mute, audited; it cannot lift a
 * device's own mute). Errors: JARVIS_API_BAD_REQUEST, JARVIS_API_NOT_FOUND, JARVIS_API_CONFLICT.
 */
export function deviceAdminRoutes(deps: DeviceAdminDeps): FastifyPluginAsync {
  const existing = (params: unknown): DeviceRecord => {
    const { id } = parseWith(deviceIdParam, params, 'params');
    const d = deps.find(id);
    if (!d) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no device ${id}`);
    return d;
  };
  const nameFree = (name: string, self?: DeviceRecord): void => {
    const other = deps.byName(name);
    if (other && other.id !== self?.id) throw new ApiError(409, 'JARVIS_API_CONFLICT', `a device named ${JSON.stringify(name)} already exists (${other.deviceId})`);
  };
  return async (app) => {
    app.post('/devices', docs({ summary: 'Add a device; the answer holds its provisioning bundle, shown once', tags: ['devices'], body: addBody }), async (req, reply) => {
      const body = parseWith(addBody, req.body, 'body');
      nameFree(body.name);
      const { device, credentials } = deps.add(body);
      deps.refresh();
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ device: deviceJson(device), bundle: deps.bundle(device, credentials) });
    });

    app.patch('/devices/:id', docs({ summary: 'Rename a device or move it to another area', tags: ['devices'], params: deviceIdParam, body: patchBody }), async (req) => {
      const d = existing(req.params);
      const body = parseWith(patchBody, req.body, 'body');
      if (body.name !== undefined) nameFree(body.name, d);
      const updated = deps.update(d.id, body);
      if (!updated) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no device ${d.deviceId}`);
      deps.refresh();
      return { device: deviceJson(updated) };
    });

    app.post('/devices/:id/rotate-key', docs({ summary: 'Give a device a new UDP key and MQTT password; the new bundle is shown once', tags: ['devices'], params: deviceIdParam }), async (req, reply) => {
      const d = existing(req.params);
      const rotated = deps.rotateKey(d.id);
      if (!rotated) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no device ${d.deviceId}`);
      deps.refresh();
      reply.header('cache-control', 'no-store');
      return { device: deviceJson(rotated.device), bundle: deps.bundle(rotated.device, rotated.credentials) };
    });

    app.delete('/devices/:id', docs({ summary: 'Remove a device (its keys and login; its mute audit stays)', tags: ['devices'], params: deviceIdParam }), async (req, reply) => {
      const d = existing(req.params);
      deps.remove(d.id);
      deps.refresh();
      return reply.status(204).send();
    });

    app.post('/devices/:id/mute', docs({ summary: 'Set or lift the software mute (audited); a device muted by its own switch stays muted', tags: ['devices'], params: deviceIdParam, body: muteBody }), async (req) => {
      const d = existing(req.params);
      const { muted } = parseWith(muteBody, req.body, 'body');
      deps.setSoftwareMute(d.deviceId, muted, req.tokenName ?? 'api');
      const state = deps.muteState(d.deviceId);
      return {
        device: { id: d.deviceId, name: d.name, ...state },
        ...(!muted && state.hardware ? { note: 'the software mute is lifted, but the device is still muted by its own switch or MUTED frames; only the device can lift that' } : {}),
      };
    });
  };
}
