import { z } from 'zod';
import { cidrProblems, LOOPBACK_CIDRS } from '../../core/index.js';

/** Default Wyoming port when the server is on (the reference servers' convention, 10300). */
export const WYOMING_DEFAULT_PORT = 10300;

/** One wyoming-satellite listed in the config (the CLI keeps its own list in the data directory). */
const satelliteEntry = z.strictObject({
  /** `HOST:PORT` of the satellite's Wyoming server (wyoming-satellite's default port is 10700). */
  address: z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:]+):\d{1,5}$/, 'must be HOST:PORT'),
  name: z.string().min(1).max(64).optional(),
  area: z.string().min(1).max(64).optional(),
});

/**
 * Wyoming (protocol/SPEC.md §9): Jarvis as a server Home Assistant adds (asr, wake, handle), and as the
 * controller of wyoming-satellites. The server is off unless `enabled` or a `port` is given: Wyoming
 * has no authentication and `handle` acts on the house, so only `allow`ed addresses are served.
 */
export const wyomingSection = z
  .strictObject({
    /** Turn the server on at the default port 10300; giving `port` turns it on too. */
    enabled: z.boolean().default(false),
    /** TCP port (flag --wyoming-port, env JARVIS_WYOMING_PORT); 0 = any free port, recorded with the other ports. */
    port: z.number().int().min(0, 'must be 0 (any free port) or a port number').max(65535, 'must be at most 65535').optional(),
    /** Client addresses (CIDRs) that may connect; loopback by default: add Home Assistant's address. */
    allow: z
      .array(z.string())
      .default([...LOOPBACK_CIDRS])
      .superRefine((list, ctx) => {
        for (const p of cidrProblems(list)) ctx.addIssue({ code: 'custom', message: p });
      }),
    /** Advertise `_wyoming._tcp` over mDNS so HA discovers Jarvis. */
    mdns: z.boolean().default(true),
    /** Name in mDNS and in Home Assistant. */
    name: z.string().min(1).max(63).default('Jarvis'),
    /** Longest utterance an STT request may send, seconds. */
    maxSttSeconds: z.number().int().min(1).max(300).default(30),
    /** Satellites to control besides those added with `jarvis satellite add`. */
    satellites: z.array(satelliteEntry).default([]),
    /** Piper (used for satellites' replies when both are present; else espeak-ng). */
    piperBinary: z.string().min(1).optional(),
    piperModel: z.string().min(1).optional(),
    /** espeak-ng voice for satellites' replies. */
    espeakVoice: z.string().min(1).default('en-us'),
  })
  .prefault({});

/** The validated section. */
export type WyomingConfig = z.infer<typeof wyomingSection>;

/** The port the server listens on, or undefined when it is off. */
export function wyomingServerPort(c: WyomingConfig): number | undefined {
  if (c.port !== undefined) return c.port;
  return c.enabled ? WYOMING_DEFAULT_PORT : undefined;
}
