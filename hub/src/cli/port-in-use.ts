import type { JarvisConfig } from '../config/index.js';

/** The hub's listening ports, each with the flag that changes it. */
function portFlags(config: JarvisConfig): { port: number; flag: string; what: string }[] {
  const out = [
    { port: config.http.port, flag: '--http-port', what: 'the HTTP API' },
    { port: config.udp.port, flag: '--udp-port', what: 'UDP audio' },
    { port: config.grpc.port, flag: '--grpc-port', what: 'the worker gRPC service' },
  ];
  if (config.mqtt.url === undefined) out.push({ port: config.mqtt.port, flag: '--mqtt-port', what: 'the embedded MQTT broker' });
  if (config.wyoming.port !== undefined) out.push({ port: config.wyoming.port, flag: '--wyoming-port', what: 'the Wyoming server' });
  return out.filter((p) => p.port !== 0);
}

/**
 * When the hub failed to start because a port is taken (EADDRINUSE anywhere in the error's cause chain, or in a
 * gRPC bind message), the sentence to print: which port, whose, and the flag that moves it. Undefined otherwise.
 */
export function portInUseMessage(err: unknown, config: JarvisConfig): string | undefined {
  let port: number | undefined;
  let found = false;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const errno = e as NodeJS.ErrnoException & { port?: number };
    if (errno.code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(e.message)) {
      found = true;
      port ??= typeof errno.port === 'number' ? errno.port : Number(/:(\d{1,5})\b/.exec(e.message)?.[1] ?? Number.NaN) || undefined;
    }
  }
  if (!found) return undefined;
  const known = portFlags(config);
  const hit = known.find((p) => p.port === port);
  if (hit) return `port ${hit.port} (${hit.what}) is already in use by another program; choose another with ${hit.flag} N (0 = any free port)`;
  return `a port is already in use by another program${port !== undefined ? ` (${port})` : ''}; move the one that clashes: ${known.map((p) => `${p.flag} (now ${p.port})`).join(', ')}`;
}
