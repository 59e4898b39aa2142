/**
 * Bounds the password-hashing work MQTT logins can make the hub do (issue 15, weak point 5). Each
 * device login costs one scrypt (~50 ms of a libuv thread); a wrong-password flood on a known username
 * (556 tries in 27 s) slowed a legitimate login to 2.8 s. Three rules, none of which can lock the real
 * device out:
 * - failures per address: after `failuresPerAddress` failed logins in a minute, that address gets no
 *   more password checks until the minute has passed;
 * - work per username: at most `hashingPerUsername` checks run at once for one username from addresses
 *   that never logged in as it; the rest are refused at once;
 * - what keeps the device in: a password verified in the last `verifiedTtlMs` is recognised again by an
 *   HMAC under a per-process key (microseconds, no scrypt), and addresses that logged in successfully as
 *   a username have their own allowance of checks, so a flood from elsewhere neither delays nor refuses them.
 * Refusals answer CONNACK 3 (server unavailable), which devices retry with backoff, never 4/5, which
 * they treat as wrong credentials.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Settings of {@link LoginLimiter} (config `mqtt.limits`). */
export interface LoginLimits {
  failuresPerAddress: number;
  hashingPerUsername: number;
  verifiedTtlMs: number;
}

/** Defaults: ten failures a minute per address, two checks at once per username. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { failuresPerAddress: 10, hashingPerUsername: 2, verifiedTtlMs: 10 * 60_000 };

/** What `check` decided. */
export type LoginOutcome<T> = { ok: true; value: T; cached: boolean } | { ok: false; throttled?: 'address' | 'username' };

const WINDOW_MS = 60_000;
/** Bounds on the tables an attacker with many addresses or usernames could grow. */
const MAX_ADDRESSES = 10_000;
const MAX_USERNAMES = 10_000;
const MAX_GOOD_ADDRESSES = 8;

interface Verified<T> {
  mac: Buffer;
  until: number;
  value: T;
}

/** One limiter per broker; `verify` does the real (slow) check. */
export class LoginLimiter<T> {
  private readonly key = randomBytes(32);
  private readonly failures = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly inFlightGood = new Map<string, number>();
  private readonly verified = new Map<string, Verified<T>>();
  private readonly goodAddresses = new Map<string, Set<string>>();

  constructor(
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Checks a login from `address`, calling `verify` only when the limits allow. */
  async check(username: string, password: string, address: string, verify: () => Promise<T | undefined>): Promise<LoginOutcome<T>> {
    const now = this.now();
    const mac = createHmac('sha256', this.key).update(username).update('\0').update(password).digest();
    const known = this.verified.get(username);
    if (known && known.until > now && timingSafeEqual(known.mac, mac)) return { ok: true, value: known.value, cached: true };

    const good = this.goodAddresses.get(username)?.has(address) ?? false;
    if (this.recentFailures(address, now) >= this.limits.failuresPerAddress) return { ok: false, throttled: 'address' };
    const lane = good ? this.inFlightGood : this.inFlight;
    const running = lane.get(username) ?? 0;
    if (running >= this.limits.hashingPerUsername) return { ok: false, throttled: 'username' };
    if (lane.size >= MAX_USERNAMES && running === 0) return { ok: false, throttled: 'username' };
    lane.set(username, running + 1);
    let value: T | undefined;
    try {
      value = await verify();
    } finally {
      const left = (lane.get(username) ?? 1) - 1;
      if (left <= 0) lane.delete(username);
      else lane.set(username, left);
    }
    if (value === undefined) {
      this.recordFailure(address, this.now());
      return { ok: false };
    }
    this.remember(username, mac, address, value);
    return { ok: true, value, cached: false };
  }

  /** Forgets verified logins whose value matches (a device whose credentials were rotated or that was removed). */
  forgetWhere(match: (value: T) => boolean): void {
    for (const [username, v] of this.verified) if (match(v.value)) this.verified.delete(username);
  }

  private recentFailures(address: string, now: number): number {
    const list = this.failures.get(address);
    if (!list) return 0;
    while (list.length > 0 && (list[0] as number) <= now - WINDOW_MS) list.shift();
    if (list.length === 0) this.failures.delete(address);
    return list.length;
  }

  private recordFailure(address: string, now: number): void {
    let list = this.failures.get(address);
    if (!list) {
      if (this.failures.size >= MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value as string);
      this.failures.set(address, (list = []));
    }
    list.push(now);
    if (list.length > this.limits.failuresPerAddress) list.shift();
  }

  private remember(username: string, mac: Buffer, address: string, value: T): void {
    if (this.verified.size >= MAX_USERNAMES && !this.verified.has(username)) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(username, { mac, until: this.now() + this.limits.verifiedTtlMs, value });
    let set = this.goodAddresses.get(username);
    if (!set) {
      if (this.goodAddresses.size >= MAX_USERNAMES) this.goodAddresses.delete(this.goodAddresses.keys().next().value as string);
      this.goodAddresses.set(username, (set = new Set()));
    }
    set.delete(address);
    set.add(address);
    if (set.size > MAX_GOOD_ADDRESSES) set.delete(set.values().next().value as string);
  }
}
