import 'reflect-metadata'; // @peculiar/x509 needs the Reflect metadata polyfill loaded first
import { createHash, webcrypto } from 'node:crypto';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import * as x509 from '@peculiar/x509';
import { isProtocolError, parseJoinToken, type Capabilities } from '@jarvis/protocol';
import { call, createWorkerClient, hubCredentials } from './client.js';
import { WorkerError } from './errors.js';
import type { WorkerIdentity } from './state.js';

x509.cryptoProvider.set(webcrypto as never);

/** Splits `host:port` (IPv6 as `[::1]:7443`); throws JARVIS_WORKER_BAD_ARGS. */
export function parseHubAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 1 && port <= 65535)) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', `--hub must be HOST:PORT, got "${text}"`);
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * Opens a TLS connection without trusting anything yet and returns the root of the chain the hub
 * presents (PEM) with its SHA-256. The caller compares that with the token before sending any secret.
 */
export async function fetchHubCa(host: string, port: number, timeoutMs = 5_000): Promise<{ pem: string; fingerprint: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'], ...(isIP(host) ? {} : { servername: host }) });
    const fail = (err: Error): void => {
      socket.destroy();
      reject(new WorkerError('JARVIS_WORKER_HUB_UNREACHABLE', `cannot open TLS to ${host}:${port}: ${err.message}`));
    };
    socket.setTimeout(timeoutMs, () => fail(new Error('timed out')));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      let cert = socket.getPeerCertificate(true);
      for (let i = 0; i < 10 && cert.issuerCertificate && cert.issuerCertificate !== cert && cert.issuerCertificate.raw && !cert.issuerCertificate.raw.equals(cert.raw); i++) {
        cert = cert.issuerCertificate;
      }
      socket.end();
      if (!cert.raw) return fail(new Error('no certificate presented'));
      resolve({ pem: x509.PemConverter.encode(cert.raw, 'CERTIFICATE'), fingerprint: createHash('sha256').update(cert.raw).digest('hex') });
    });
  });
}

/** Options of {@link enroll}. */
export interface EnrollOptions {
  hub: string;
  token: string;
  name?: string;
  capabilities?: Capabilities;
  timeoutMs?: number;
}

/**
 * Enrolls this machine [GRPC-5.2]: checks the hub's CA against the token's fingerprint (refusing on a
 * mismatch before the token leaves the machine), creates a key pair locally, sends only the CSR, and
 * returns the identity to save.
 */
export async function enroll(options: EnrollOptions): Promise<WorkerIdentity> {
  let token;
  try {
    token = parseJoinToken(options.token);
  } catch (err) {
    if (isProtocolError(err)) throw new WorkerError('JARVIS_WORKER_BAD_TOKEN', err.message);
    throw err;
  }
  const { host, port } = parseHubAddress(options.hub);
  const ca = await fetchHubCa(host, port, options.timeoutMs);
  if (ca.fingerprint !== token.caFingerprint) {
    throw new WorkerError(
      'JARVIS_WORKER_FINGERPRINT_MISMATCH',
      `the hub at ${options.hub} presents CA ${ca.fingerprint}, but the token pins ${token.caFingerprint}; refusing to enroll`,
    );
  }
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const name = options.name ?? hostname();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [name] }],
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
  });
  const client = createWorkerClient(options.hub, hubCredentials(ca.pem));
  try {
    const res = await call(client, 'Enroll', { token: options.token, csrPem: csr.toString('pem'), name, capabilities: options.capabilities ?? null }, options.timeoutMs ?? 10_000).catch(
      (err: { details?: string; message: string }) => {
        throw new WorkerError('JARVIS_WORKER_ENROLL_REFUSED', `hub refused enrollment: ${err.details ?? err.message}`);
      },
    );
    const keyDer = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    return {
      version: 1,
      workerId: res.workerId,
      hub: options.hub,
      name,
      caFingerprint: ca.fingerprint,
      labels: res.labels,
      enrolledAt: Date.now(),
      keyPem: x509.PemConverter.encode(keyDer, 'PRIVATE KEY'),
      certChainPem: res.certificateChainPem,
      caPem: res.caCertificatePem,
    };
  } finally {
    client.close();
  }
}
