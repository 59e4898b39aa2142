import type { DeviceStreamStats, MuteGate } from '../audio/index.js';
import type { DeviceRegistry, DeviceMqttState } from '../mqtt/index.js';
import type { DeviceRecord } from '../store/index.js';
import { ApiError } from './errors.js';
import type { ApiRoutes } from './server.js';

/** What the devices routes read from the running hub. */
export interface DevicesRouteDeps {
  registry: DeviceRegistry;
  gate: MuteGate;
  streamStats: (deviceId: string) => DeviceStreamStats | undefined;
  mqttState: (deviceId: string) => DeviceMqttState;
}

function summary(d: DeviceRecord, deps: DevicesRouteDeps): Record<string, unknown> {
  const mqtt = deps.mqttState(d.deviceId);
  const stats = deps.streamStats(d.deviceId);
  const lastHeard = Math.max(mqtt.lastHeardAt ?? 0, stats?.lastHeardAt ?? 0);
  return {
    id: d.deviceId,
    name: d.name,
    area: d.area,
    kind: d.kind,
    online: mqtt.online,
    muted: deps.gate.isMuted(d.deviceId),
    // The device's own mute (switch or MUTED frames) and the software mute set from the API, apart.
    hardwareMuted: deps.gate.inputs(d.deviceId).mqtt || deps.gate.inputs(d.deviceId).frame,
    softwareMuted: deps.gate.softwareMuted(d.deviceId),
    battery: mqtt.status?.battery ?? null,
    rssi: mqtt.status?.rssi ?? null,
    lastHeardAt: lastHeard > 0 ? new Date(lastHeard).toISOString() : null,
  };
}

/** `GET /api/v1/devices` (list) and `GET /api/v1/devices/:id` (detail with live stream stats). */
export function devicesRoutes(deps: DevicesRouteDeps): ApiRoutes {
  return async (app) => {
    app.get('/devices', async () => ({ devices: deps.registry.list().map((d) => summary(d, deps)) }));
    app.get<{ Params: { id: string } }>('/devices/:id', async (req) => {
      const { id } = req.params;
      if (!/^[0-9a-f]{8}$/.test(id)) throw new ApiError(400, 'JARVIS_API_BAD_REQUEST', `device id ${JSON.stringify(id)} is not 8 lowercase hex digits`);
      const d = deps.registry.byTextId(id);
      if (!d) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no device ${id}`);
      const mqtt = deps.mqttState(id);
      const stats = deps.streamStats(id);
      return {
        device: {
          ...summary(d, deps),
          createdAt: new Date(d.createdAt).toISOString(),
          mute: deps.gate.inputs(id),
          status: mqtt.status ?? null,
          stream: stats
            ? {
                streamId: stats.streamId,
                sampleRate: stats.sampleRate,
                datagrams: stats.datagrams,
                forwardedSamples: stats.forwardedSamples,
                concealedSamples: stats.concealedSamples,
                lostFrames: stats.lostFrames,
                discontinuities: stats.discontinuities,
                restarts: stats.restarts,
                jitterMs: Math.round(stats.jitterMs * 100) / 100,
                bufferDepth: stats.bufferDepth,
              }
            : null,
        },
      };
    });
  };
}
