import { networkInterfaces } from 'node:os';

/** The address written into device bundles and the workers' certificate when `publicHost` is not set. */
export function defaultPublicHost(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}
