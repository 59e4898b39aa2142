import { z } from 'zod';

const port = z.number().int().min(0, 'must be 0 (any free port) or a port number').max(65535, 'must be at most 65535');

/** HTTP API section: where fastify listens. */
export const httpSection = z
  .strictObject({
    /** 0 = any free port; the chosen port is logged. */
    port: port.default(8640),
  })
  .prefault({});

/** UDP audio ingest socket. */
export const udpSection = z
  .strictObject({
    port: port.default(8641),
    /** Kernel receive buffer in bytes; big enough for bursts of dozens of devices. */
    receiveBufferBytes: z.number().int().min(65536).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  })
  .prefault({});

/** MQTT: the embedded aedes broker, or a client to an external broker when `url` is set. */
export const mqttSection = z
  .strictObject({
    /** Port of the embedded broker (ignored with `url`). */
    port: port.default(1883),
    /** `mqtt://host:port` of an external broker (Mosquitto, EMQX); unset = run the embedded broker. */
    url: z.url({ protocol: /^mqtts?$/, error: 'must be an mqtt:// or mqtts:// URL' }).optional(),
    /** Credentials of the hub's own client on an external broker. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** Prefix of Home Assistant MQTT discovery topics. */
    discoveryPrefix: z.string().min(1).default('homeassistant'),
  })
  .prefault({});

/** gRPC port for worker nodes (the tasks part serves it). */
export const grpcSection = z
  .strictObject({
    port: port.default(8642),
  })
  .prefault({});

/** The device stream: jitter buffer and concealment. */
export const ingestSection = z
  .strictObject({
    /** Frames held before play-out; more absorbs more jitter at the cost of latency. */
    jitterTargetFrames: z.number().int().min(1).max(50).default(3),
    /** A frame is played out at the latest after waiting this long, even if earlier ones are missing. */
    maxWaitMs: z.number().int().min(5).max(2000).default(120),
    /** Gaps up to this long are concealed; longer ones are a discontinuity (timestamp jump, no fill). */
    maxConcealMs: z.number().int().min(0).max(10_000).default(1000),
    /** How lost audio is filled: the last frame repeated with a fade, or zeros. */
    concealment: z.enum(['repeat-fade', 'silence']).default('repeat-fade'),
    /** Width of the per-stream replay window, in sequence numbers. */
    replayWindow: z.number().int().min(64).max(65536).default(1024),
  })
  .prefault({});

/** The HTTP API's own settings. */
export const apiSection = z
  .strictObject({
    /** Serve `/metrics` without a bearer token (Prometheus scrapers on the LAN). */
    publicMetrics: z.boolean().default(true),
  })
  .prefault({});
