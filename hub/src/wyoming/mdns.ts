/** `_wyoming._tcp` advertisement so Home Assistant discovers Jarvis (zeroconf.py; HA manifest `_wyoming._tcp.local.`). */
import { Bonjour } from 'bonjour-service';
import type { Logger } from '../core/index.js';

/** A running advertisement. */
export interface MdnsAdvert {
  stop(): Promise<void>;
}

/** Publishes `name._wyoming._tcp.local.` on `port`; errors are logged, never fatal. */
export function advertiseWyoming(name: string, port: number, logger: Logger): MdnsAdvert {
  const bonjour = new Bonjour(undefined, (err: unknown) => logger.warn({ err }, 'wyoming: mDNS error'));
  bonjour.publish({ name, type: 'wyoming', protocol: 'tcp', port });
  logger.info({ name, port }, 'wyoming: advertising _wyoming._tcp');
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
      }),
  };
}
