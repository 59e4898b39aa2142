/**
 * Mosquitto 2.0's own password hash (`$7$`: PBKDF2-SHA512), made exactly the way `mosquitto_passwd` makes
 * it. The hub keeps one per device beside its scrypt hash, so an external Mosquitto can check device
 * logins (DESIGN §7); it reads no other format.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';

/** Iterations, salt and hash sizes `mosquitto_passwd` uses for `$7$` (Mosquitto 2.0 defaults). */
const PBKDF2 = { iterations: 101, saltBytes: 12, keyBytes: 64, digest: 'sha512' } as const;

/** A password hash in Mosquitto's `$7$` format, made the way `mosquitto_passwd` makes it. */
export function mosquittoPasswordHash(password: string, salt: Buffer = randomBytes(PBKDF2.saltBytes)): string {
  const hash = pbkdf2Sync(password, salt, PBKDF2.iterations, PBKDF2.keyBytes, PBKDF2.digest);
  return `$7$${PBKDF2.iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Checks a password against a `$7$` hash; false on any malformed hash. */
export function verifyMosquittoPassword(password: string, stored: string): boolean {
  const m = /^\$7\$(\d{1,7})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[3]!, 'base64');
  if (expected.length === 0) return false;
  return pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), expected.length, PBKDF2.digest).equals(expected);
}

