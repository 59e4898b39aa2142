import 'reflect-metadata'; // @peculiar/x509 needs the Reflect metadata polyfill loaded first
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { TaskError } from './errors.js';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** ECDSA P-256 with SHA-256: small keys, fast handshakes, supported by every TLS stack we meet. */
const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** PEM of a private key, PKCS#8. */
async function keyToPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** SHA-256 of a certificate's DER, lowercase hex: the fingerprint join tokens pin. */
export function certFingerprint(der: ArrayBuffer | Uint8Array): string {
  return createHash('sha256').update(der instanceof Uint8Array ? der : new Uint8Array(der)).digest('hex');
}

/** Generates an ECDSA P-256 key pair (extractable, so the private half can be written as PEM). */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify']);
}

/** A certificate and its private key, both PEM, ready for TLS. */
export interface KeyCertPem {
  certPem: string;
  keyPem: string;
}

/** A worker certificate issued by {@link CertificateAuthority.signWorkerCsr}. */
export interface IssuedCert {
  certPem: string;
  fingerprint: string;
  notAfter: number;
}

/**
 * The hub's private certificate authority: created on first start in `<data-dir>/tasks/`, it signs the
 * hub's TLS server certificate and every worker's client certificate. Workers pin its fingerprint.
 */
export class CertificateAuthority {
  private constructor(
    readonly cert: x509.X509Certificate,
    private readonly key: CryptoKey,
    /** PEM of the CA certificate. */
    readonly certPem: string,
  ) {}

  /** Loads the CA from `dir` (`ca.crt`, `ca.key`), creating and saving it on first use. */
  static async loadOrCreate(dir: string): Promise<CertificateAuthority> {
    const certPath = join(dir, 'ca.crt');
    const keyPath = join(dir, 'ca.key');
    let certPem: string | undefined;
    let keyPem: string | undefined;
    try {
      [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (certPem && keyPem) {
      const key = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), KEY_ALG, true, ['sign']);
      return new CertificateAuthority(new x509.X509Certificate(certPem), key, certPem);
    }
    const ca = await CertificateAuthority.create();
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(keyPath, await keyToPem(ca.key), { mode: 0o600 });
    await writeFile(certPath, ca.certPem, { mode: 0o644 });
    return ca;
  }

  /** A fresh CA in memory (tests, and the first start). */
  static async create(commonName = `Jarvis hub CA ${hostname()}`): Promise<CertificateAuthority> {
    const keys = await generateKeyPair();
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
      name: [{ CN: [commonName] }, { O: ['Jarvis'] }],
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + 3650 * DAY_MS),
      signingAlgorithm: SIGN_ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new CertificateAuthority(cert, keys.privateKey, cert.toString('pem'));
  }

  /** SHA-256 of the CA certificate, lowercase hex. */
  get fingerprint(): string {
    return certFingerprint(this.cert.rawData);
  }

  /** Issues a TLS server certificate for the hub, valid for `hosts` (names or IPs) plus localhost. */
  async issueServerCert(hosts: readonly string[] = []): Promise<KeyCertPem> {
    const keys = await generateKeyPair();
    const names = [...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...hosts])];
    const cert = await this.issue(keys.publicKey, `Jarvis hub ${hostname()}`, 825 * DAY_MS, [
      new x509.ExtendedKeyUsageExtension([OID_SERVER_AUTH]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
    ]);
    return { certPem: `${cert.toString('pem')}\n${this.certPem}`, keyPem: await keyToPem(keys.privateKey) };
  }

  /**
   * Signs a worker's CSR: the CSR's own signature must verify (proof the worker holds the key); the
   * certificate's common name is the hub-assigned worker id, never what the CSR asks for.
   */
  async signWorkerCsr(csrPem: string, workerId: string, validityMs = 365 * DAY_MS): Promise<IssuedCert> {
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(csrPem);
    } catch (err) {
      throw new TaskError('JARVIS_CSR_INVALID', `certificate signing request does not parse: ${(err as Error).message}`, ['csrPem: not a PKCS#10 PEM']);
    }
    if (!(await csr.verify())) throw new TaskError('JARVIS_CSR_INVALID', 'certificate signing request signature does not verify', ['csrPem: bad signature']);
    const cert = await this.issue(csr.publicKey, workerId, validityMs, [new x509.ExtendedKeyUsageExtension([OID_CLIENT_AUTH])]);
    return { certPem: cert.toString('pem'), fingerprint: certFingerprint(cert.rawData), notAfter: cert.notAfter.getTime() };
  }

  /** True when `cert` was signed by this CA's key. */
  async issued(cert: x509.X509Certificate): Promise<boolean> {
    return cert.issuer === this.cert.subject && (await cert.verify({ publicKey: this.cert.publicKey, signatureOnly: true }));
  }

  private async issue(publicKey: x509.PublicKeyType, commonName: string, validityMs: number, extra: x509.Extension[]): Promise<x509.X509Certificate> {
    const now = Date.now();
    return x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
      subject: [{ CN: [commonName] }],
      issuer: this.cert.subject,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + validityMs),
      signingAlgorithm: SIGN_ALG,
      publicKey,
      signingKey: this.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        await x509.AuthorityKeyIdentifierExtension.create(this.cert.publicKey),
        ...extra,
      ],
    });
  }
}
