import { ProtocolError } from './errors.js';

/**
 * Worker join tokens (SPEC.md §5.2): `jvt1.<ca-sha256>.<token-id>.<secret>`, all lowercase hex. The
 * CA fingerprint lets a worker authenticate the hub before it sends the secret; the id names the
 * token for list/revoke without revealing the secret, which the hub stores only hashed.
 */

/** Version prefix of the join token format. [GRPC-5.2.1] */
export const JOIN_TOKEN_PREFIX = 'jvt1';

/** The parts of a join token. */
export interface JoinToken {
  /** SHA-256 of the hub CA certificate's DER, 64 lowercase hex digits. */
  caFingerprint: string;
  /** Token id, 16 lowercase hex digits. */
  id: string;
  /** 32-byte secret, 64 lowercase hex digits. */
  secret: string;
}

const PATTERN = /^jvt1\.([0-9a-f]{64})\.([0-9a-f]{16})\.([0-9a-f]{64})$/;

/** Parses a join token; throws ProtocolError JARVIS_PROTO_BAD_FIELD saying which part is wrong. */
export function parseJoinToken(text: string): JoinToken {
  const m = PATTERN.exec(text.trim());
  if (m) return { caFingerprint: m[1]!, id: m[2]!, secret: m[3]! };
  const parts = text.trim().split('.');
  const where =
    parts[0] !== JOIN_TOKEN_PREFIX ? `prefix (expected "${JOIN_TOKEN_PREFIX}")`
    : parts.length !== 4 ? `number of parts (expected 4, got ${parts.length})`
    : !/^[0-9a-f]{64}$/.test(parts[1]!) ? 'CA fingerprint (expected 64 hex digits)'
    : !/^[0-9a-f]{16}$/.test(parts[2]!) ? 'token id (expected 16 hex digits)'
    : 'secret (expected 64 hex digits)';
  throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `malformed join token: bad ${where}`);
}

/** Formats a join token from its parts (no validation beyond the format's). */
export function formatJoinToken(token: JoinToken): string {
  const text = `${JOIN_TOKEN_PREFIX}.${token.caFingerprint}.${token.id}.${token.secret}`;
  parseJoinToken(text);
  return text;
}
