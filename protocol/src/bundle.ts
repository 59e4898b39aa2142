import { z } from 'zod';

/**
 * The provisioning bundle `jarvis device add` prints once: everything a wearable, a satellite or the
 * simulator needs to talk to the hub. Read by the simulator, the edge agent and firmware provisioning.
 */
export const deviceBundleSchema = z.object({
  /** Bundle format version. */
  version: z.literal(1),
  /** Device id in text form: 8 lowercase hex digits of the u32 carried in every datagram. */
  deviceId: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits'),
  name: z.string().min(1),
  area: z.string().min(1),
  kind: z.enum(['wearable', 'satellite']),
  /** The device's 32-byte UDP authentication key, hex. */
  key: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (32 bytes)'),
  mqtt: z.object({
    /** e.g. `mqtt://192.168.1.10:1883` */
    url: z.string().url(),
    username: z.string().min(1),
    password: z.string().min(1),
  }),
  hub: z.object({
    /** `HOST:PORT` of the hub's UDP audio port. */
    udp: z.string().regex(/^.+:\d{1,5}$/, 'must be HOST:PORT'),
    /** Base URL of the hub's HTTP API. */
    http: z.string().url(),
  }),
});

/** A parsed provisioning bundle. */
export type DeviceBundle = z.infer<typeof deviceBundleSchema>;
