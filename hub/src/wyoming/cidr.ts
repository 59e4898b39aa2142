/** Client address allowlist of the Wyoming server ([WY-3.1]): CIDRs, IPv4 and IPv6. */
import { BlockList, isIP } from 'node:net';
import { WyomingError } from './errors.js';

/** The default allowlist: loopback only. */
export const LOOPBACK_CIDRS: readonly string[] = ['127.0.0.0/8', '::1/128'];

/** `::ffff:10.0.0.5` → `10.0.0.5`: a dual-stack socket reports IPv4 peers this way. */
export function normaliseAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? (m[1] as string) : address;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address; throws JARVIS_WYOMING_BAD_ADDRESS naming the entry. */
function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [addr = '', bits, extra] = cidr.trim().split('/');
  const address = normaliseAddress(addr);
  const v = isIP(address);
  if (v === 0 || extra !== undefined) throw new WyomingError('JARVIS_WYOMING_BAD_ADDRESS', `"${cidr}" is not an IP address or CIDR`);
  const max = v === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!/^\d+$/.test(bits ?? String(max)) || prefix > max) throw new WyomingError('JARVIS_WYOMING_BAD_ADDRESS', `"${cidr}" has a prefix length outside 0–${max}`);
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** Which client addresses may connect. */
export class AddressAllowlist {
  private readonly list = new BlockList();
  readonly cidrs: readonly string[];

  constructor(cidrs: readonly string[]) {
    this.cidrs = [...cidrs];
    for (const c of cidrs) {
      const { address, prefix, family } = parseCidr(c);
      this.list.addSubnet(address, prefix, family);
    }
  }

  /** True when `address` (as a socket reports it) is inside one of the CIDRs. */
  allows(address: string | undefined): boolean {
    if (!address) return false;
    const a = normaliseAddress(address);
    const v = isIP(a);
    if (v === 0) return false;
    return this.list.check(a, v === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Checks a list of CIDRs; returns one message per bad entry (for the config schema). */
export function cidrProblems(cidrs: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of cidrs) {
    try {
      parseCidr(c);
    } catch (err) {
      out.push((err as Error).message);
    }
  }
  return out;
}
