import { isIP } from 'node:net';

/** Loopback only: the default of an address allowlist. */
export const LOOPBACK_CIDRS: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** One parsed CIDR, as `net.BlockList.addSubnet` takes it. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `::ffff:10.0.0.5` → `10.0.0.5`: a dual-stack socket reports IPv4 peers this way. */
export function normaliseAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? (m[1] as string) : address;
}

/**
 * Parses `a.b.c.d/n`, `x::y/n` or a bare address (IPv4 and IPv6). A bad entry gives back what is wrong with it,
 * naming the entry, for the caller to report in its own terms (a config problem, a part's coded error).
 */
export function parseCidr(cidr: string): { cidr: Cidr } | { problem: string } {
  const [addr = '', bits, extra] = cidr.trim().split('/');
  const address = normaliseAddress(addr);
  const v = isIP(address);
  if (v === 0 || extra !== undefined) return { problem: `"${cidr}" is not an IP address or CIDR` };
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!/^\d+$/.test(bits ?? String(max)) || prefix > max) return { problem: `"${cidr}" has a prefix length outside 0–${max}` };
  return { cidr: { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' } };
}

/** One message per bad entry of a CIDR list (for a config schema); empty when all parse. */
export function cidrProblems(cidrs: readonly string[]): string[] {
  return cidrs.flatMap((c) => {
    const parsed = parseCidr(c);
    return 'problem' in parsed ? [parsed.problem] : [];
  });
}
