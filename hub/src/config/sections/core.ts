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
    /** Limits of the embedded broker (SPEC §8): packets, connections, login time and password-check work. */
    limits: z
      .strictObject({
        /** Largest packet before login (the CONNECT: client id, credentials, will), bytes. */
        maxPacketBytesBeforeLogin: z.number().int().min(256).max(1_048_576).default(8192),
        /** Largest packet from a device after login, bytes (device payloads are at most 4096). */
        maxPacketBytesDevice: z.number().int().min(1024).max(16_777_216).default(16_384),
        /** Largest packet from the hub's own client after login, bytes. */
        maxPacketBytesHub: z.number().int().min(1024).max(268_435_455).default(1_048_576),
        maxConnections: z.number().int().min(1).max(1_000_000).default(512),
        /** Raise it behind a load balancer or NAT that shows many devices as one address. */
        maxConnectionsPerAddress: z.number().int().min(1).max(1_000_000).default(64),
        /** A connection that has not logged in by then is closed, ms. */
        connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
        /** Failed logins per address per minute before its logins are refused unchecked. */
        failuresPerAddress: z.number().int().min(1).max(10_000).default(10),
        /** Password checks at once per username from addresses that never logged in as it. */
        hashingPerUsername: z.number().int().min(1).max(64).default(2),
        /** How long a verified device password is recognised without scrypt, ms. */
        verifiedTtlMs: z.number().int().min(0).max(86_400_000).default(600_000),
      })
      .prefault({}),
    /**
     * Folder to keep an external Mosquitto's files in (`jarvis mqtt export-mosquitto`): the hub rewrites
     * them at start and whenever a device is added, removed or re-keyed. Unset = no export.
     */
    exportDir: z.string().min(1).optional(),
    /**
     * A file holding Mosquitto's pid (its `pid_file` when daemonised, or one a service manager writes): after each
     * export the hub sends that process SIGHUP so it re-reads the files. With packaged Mosquitto under systemd, use
     * deploy/systemd/jarvis-mosquitto-reload.path instead (the hub runs unprivileged).
     */
    exportReloadPidFile: z.string().min(1).optional(),
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
    /**
     * Who may read `/metrics` (it lists device ids, which are MQTT usernames, and who is muted):
     * `token` (default) needs an API token as a bearer token, `loopback` also serves 127.0.0.1/::1
     * without one (a Prometheus on the hub's host), `public` serves anyone (a trusted LAN only).
     */
    metrics: z.enum(['token', 'loopback', 'public']).default('token'),
    /** Deprecated: `true` means `metrics: public`. */
    publicMetrics: z.boolean().optional(),
  })
  .prefault({});
