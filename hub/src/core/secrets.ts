import { createCipheriv, createDecipheriv, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from './errors.js';

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

/**
 * Hashes a secret that is only ever verified (MQTT passwords, API tokens) with scrypt and a random
 * salt: `scrypt$N$r$p$salt$hash` (base64url parts).
 */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Checks `secret` against a {@link hashSecret} string without blocking the event loop; false on any malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (!N || !r || !p || expected.length === 0) return false;
  const actual = await new Promise<Buffer>((res, rej) =>
    scrypt(secret, salt, expected.length, { N, r, p, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? rej(err) : res(key))),
  );
  return timingSafeEqual(actual, expected);
}

/** A random secret suitable for passwords and tokens (base64url, `bytes` of entropy). */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Encrypts secrets that must stay retrievable (device UDP keys: the hub verifies HMACs with them) with
 * AES-256-GCM under a master key kept in a 0600 file outside the database, so a copied database alone
 * does not reveal any device key.
 */
export class SecretBox {
  constructor(private readonly masterKey: Uint8Array) {
    if (masterKey.length !== 32) throw new InputError('JARVIS_SECRETS_BAD_KEY', 'master key must be 32 bytes');
  }

  /** `iv(12) | tag(16) | ciphertext`. */
  seal(plain: Uint8Array): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Uint8Array): Buffer {
    const buf = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, buf.subarray(0, 12));
    decipher.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]);
  }
}

/** Reads the hub's master key file, creating it (32 random bytes, mode 0600) on first use. */
export function loadOrCreateMasterKey(file: string): Buffer {
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length !== 32) throw new InputError('JARVIS_SECRETS_BAD_KEY', `${file} is not a 32-byte key file`);
    return key;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

/** Writes a file readable only by its owner (bundles, the admin token). */
export function writePrivateFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}
