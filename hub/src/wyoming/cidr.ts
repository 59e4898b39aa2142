/** Client address allowlist of the Wyoming server ([WY-3.1]): CIDRs, IPv4 and IPv6 (parsed by core/cidr.ts, which the config's check uses too). */
import { BlockList, isIP } from 'node:net';
import { normaliseAddress, parseCidr } from '../core/index.js';
import { WyomingError } from './errors.js';

/** Which client addresses may connect. */
export class AddressAllowlist {
  private readonly list = new BlockList();
  readonly cidrs: readonly string[];

  /** Throws JARVIS_WYOMING_BAD_ADDRESS naming the first entry that is not an address or CIDR. */
  constructor(cidrs: readonly string[]) {
    this.cidrs = [...cidrs];
    for (const c of cidrs) {
      const parsed = parseCidr(c);
      if ('problem' in parsed) throw new WyomingError('JARVIS_WYOMING_BAD_ADDRESS', parsed.problem);
      this.list.addSubnet(parsed.cidr.address, parsed.cidr.prefix, parsed.cidr.family);
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
