import { createHash, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { z } from 'zod';
import {
  WORKER_PROTO_INCLUDE_DIR,
  WORKER_PROTO_LOADER_OPTIONS,
  WORKER_PROTO_PATH,
  type Capabilities__Output,
  type WorkerProtoGrpcType,
  type WorkerServiceHandlers,
} from '@jarvis/protocol';
import type { Logger } from '../core/index.js';
import type { WorkerRecord, WorkersRepository } from '../store/index.js';
import type { CertificateAuthority, KeyCertPem } from './ca.js';
import { TaskError, issuesToDetails, type TaskErrorCode } from './errors.js';
import { capabilityTags, MAX_PAYLOAD_BYTES, type Lease, type SqliteTaskQueue } from './queue.js';
import { parseTokenOrThrow, type JoinTokens } from './tokens.js';

/** Everything the worker gRPC server needs. */
export interface WorkerGrpcServerOptions {
  host: string;
  /** 0 picks a free port; read it back from {@link WorkerGrpcServer.port}. */
  port: number;
  queue: SqliteTaskQueue;
  workers: WorkersRepository;
  tokens: JoinTokens;
  ca: CertificateAuthority;
  serverCert: KeyCertPem;
  logger: Logger;
  /** Client certificate lifetime in ms (default one year). */
  certValidityMs?: number;
  /** Longest long-poll a Pull may ask for (default 30 s). */
  maxWaitMs?: number;
  /** How often the server looks again during a long-poll, for tasks another process queued (default 250 ms). */
  pollMs?: number;
}

const TYPE_RE = /^[a-z][a-z0-9_.-]{0,63}$/;
const uuid = z.string().uuid();

const capabilitiesSchema = z
  .object({
    cpuCores: z.number().int().min(0).max(4096),
    memoryBytes: z.number().min(0),
    gpus: z.array(z.object({ name: z.string().max(200), memoryBytes: z.number().min(0) })).max(64),
    models: z.array(z.string().min(1).max(255)).max(1000),
    taskTypes: z.array(z.string().regex(TYPE_RE, 'must be a task type (a-z 0-9 _ . -)')).max(200),
    version: z.string().max(100),
    hostname: z.string().max(255),
  })
  .nullable();

const enrollSchema = z.object({
  token: z.string().min(1, 'required'),
  csrPem: z.string().min(1, 'required').max(20_000).includes('CERTIFICATE REQUEST', { message: 'must be a PEM certificate request' }),
  name: z.string().max(64).regex(/^[\w .@:-]*$/, 'letters, digits, space and _ . @ : - only'),
  capabilities: capabilitiesSchema,
});
const pullSchema = z.object({
  capacity: z.number().int().min(1, 'must be at least 1').max(64, 'must be at most 64'),
  taskTypes: z.array(z.string().regex(TYPE_RE, 'must be a task type (a-z 0-9 _ . -)')).max(200),
  capabilities: capabilitiesSchema,
  waitMs: z.number().int().min(0).max(60_000, 'must be at most 60000'),
});
const heartbeatSchema = z.object({ leaseIds: z.array(uuid).max(256), draining: z.boolean() });
const jsonText = z.string().max(MAX_PAYLOAD_BYTES).refine((s) => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}, 'must be JSON text');
const completeSchema = z.object({ taskId: uuid, leaseId: uuid, resultJson: jsonText });
const failSchema = z.object({
  taskId: uuid,
  leaseId: uuid,
  errorMessage: z.string().max(8_000),
  errorCode: z.string().regex(/^([A-Z][A-Z0-9_]{0,63})?$/, 'must be UPPER_SNAKE'),
  retryable: z.boolean(),
  cancelled: z.boolean(),
});

const STATUS_BY_CODE: Partial<Record<TaskErrorCode, grpc.status>> = {
  JARVIS_TASK_BAD_REQUEST: grpc.status.INVALID_ARGUMENT,
  JARVIS_TOKEN_MALFORMED: grpc.status.INVALID_ARGUMENT,
  JARVIS_CSR_INVALID: grpc.status.INVALID_ARGUMENT,
  JARVIS_TOKEN_INVALID: grpc.status.UNAUTHENTICATED,
  JARVIS_TOKEN_EXPIRED: grpc.status.UNAUTHENTICATED,
  JARVIS_TOKEN_EXHAUSTED: grpc.status.UNAUTHENTICATED,
  JARVIS_TOKEN_REVOKED: grpc.status.UNAUTHENTICATED,
  JARVIS_TOKEN_WRONG_HUB: grpc.status.UNAUTHENTICATED,
  JARVIS_WORKER_UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  JARVIS_WORKER_UNKNOWN: grpc.status.UNAUTHENTICATED,
  JARVIS_WORKER_REVOKED: grpc.status.PERMISSION_DENIED,
  JARVIS_TASK_NOT_FOUND: grpc.status.NOT_FOUND,
  JARVIS_LEASE_NOT_HELD: grpc.status.FAILED_PRECONDITION,
};

/**
 * Turns an error into a gRPC status: a TaskError keeps its code in the `jarvis-error-code` trailer and
 * its field problems in `jarvis-error-details` (JSON array) and in the message; anything else is INTERNAL
 * with no detail leaked.
 */
export function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  if (err instanceof TaskError) {
    metadata.set('jarvis-error-code', err.code);
    if (err.details.length) metadata.set('jarvis-error-details', JSON.stringify(err.details));
    const detail = err.details.length ? ` (${err.details.join('; ')})` : '';
    return { code: STATUS_BY_CODE[err.code] ?? grpc.status.FAILED_PRECONDITION, details: `${err.code}: ${err.message}${detail}`, metadata };
  }
  metadata.set('jarvis-error-code', 'JARVIS_INTERNAL');
  return { code: grpc.status.INTERNAL, details: 'JARVIS_INTERNAL: internal error', metadata };
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new TaskError('JARVIS_TASK_BAD_REQUEST', 'invalid request', issuesToDetails(r.error.issues));
  return r.data;
}

/**
 * A certificate provider that hands grpc-js fixed PEMs; grpc-js only exposes "ask for a client cert but
 * do not require one" through providers. Updates are delivered on the next tick because grpc-js
 * registers its own watcher only after subscribing to the provider.
 */
class StaticCertificateProvider implements grpc.experimental.CertificateProvider {
  constructor(private readonly ca: Buffer, private readonly cert: Buffer, private readonly key: Buffer) {}
  addCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    process.nextTick(() => listener({ caCertificate: this.ca }));
  }
  removeCaCertificateListener(): void {}
  addIdentityCertificateListener(listener: grpc.experimental.IdentityCertificateUpdateListener): void {
    process.nextTick(() => listener({ certificate: this.cert, privateKey: this.key }));
  }
  removeIdentityCertificateListener(): void {}
}

/** Loads the worker service definition from `@jarvis/protocol`'s .proto. */
export function loadWorkerService(): grpc.ServiceDefinition {
  const def = protoLoader.loadSync(WORKER_PROTO_PATH, { ...WORKER_PROTO_LOADER_OPTIONS, includeDirs: [WORKER_PROTO_INCLUDE_DIR] });
  const pkg = grpc.loadPackageDefinition(def) as unknown as WorkerProtoGrpcType;
  return pkg.jarvis.worker.v1.WorkerService.service;
}

type UnaryCall = grpc.ServerUnaryCall<unknown, unknown>;

/**
 * The hub's worker endpoint [GRPC-5.2–5.7]: one TLS port; Enroll needs only a join token, every other
 * call needs a client certificate that chains to our CA (TLS checks the chain) and names a worker that
 * exists, is not revoked and holds exactly that certificate (checked on every call, so a revocation
 * takes effect at once).
 */
export class WorkerGrpcServer {
  private server: grpc.Server | undefined;
  private boundPort = 0;
  private stopping = new AbortController();

  constructor(private readonly o: WorkerGrpcServerOptions) {}

  /** The bound port (after start). */
  get port(): number {
    return this.boundPort;
  }

  /** Binds and serves; safe to call twice. */
  async start(): Promise<void> {
    if (this.server) return;
    this.stopping = new AbortController();
    const server = new grpc.Server({ 'grpc.keepalive_permit_without_calls': 1, 'grpc.http2.min_ping_interval_without_data_ms': 5_000 });
    server.addService(loadWorkerService(), this.handlers() as unknown as grpc.UntypedServiceImplementation);
    const provider = new StaticCertificateProvider(Buffer.from(this.o.ca.certPem), Buffer.from(this.o.serverCert.certPem), Buffer.from(this.o.serverCert.keyPem));
    const creds = grpc.experimental.createCertificateProviderServerCredentials(provider, provider, false);
    this.boundPort = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${this.o.host}:${this.o.port}`, creds, (err, port) => (err ? reject(err) : resolve(port)));
    });
    this.server = server;
    this.o.logger.info({ port: this.boundPort, host: this.o.host }, 'worker gRPC server listening');
  }

  /** Ends long-polls, then shuts down gracefully (forcing after 5 s); safe to call twice. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopping.abort();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 5_000);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    this.o.logger.info('worker gRPC server stopped');
  }

  /** Which worker is calling: from the verified client certificate, checked against the registry. */
  private authenticate(call: UnaryCall): WorkerRecord {
    const peer = call.getAuthContext().sslPeerCertificate;
    if (!peer?.raw) throw new TaskError('JARVIS_WORKER_UNAUTHENTICATED', 'a client certificate issued by this hub is required (enroll first)');
    const fingerprint = createHash('sha256').update(peer.raw).digest('hex');
    const id = peer.subject?.CN;
    const worker = typeof id === 'string' ? this.o.workers.getWorker(id) : undefined;
    if (!worker || worker.certFingerprint !== fingerprint) throw new TaskError('JARVIS_WORKER_UNKNOWN', 'the client certificate does not belong to an enrolled worker');
    if (worker.revokedAt !== null) throw new TaskError('JARVIS_WORKER_REVOKED', `worker ${worker.id} was revoked`);
    return worker;
  }

  /** Re-reads the worker's record: throws `JARVIS_WORKER_REVOKED` once it is revoked (or gone). */
  private stillAllowed(worker: WorkerRecord): void {
    const now = this.o.workers.getWorker(worker.id);
    if (!now || now.revokedAt !== null || now.certFingerprint !== worker.certFingerprint) {
      this.o.logger.info({ workerId: worker.id, code: 'JARVIS_WORKER_REVOKED' }, 'ended a waiting pull of a revoked worker');
      throw new TaskError('JARVIS_WORKER_REVOKED', `worker ${worker.id} was revoked`);
    }
  }

  private unary<Req, Res>(name: string, fn: (call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res> | Res): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      Promise.resolve()
        .then(() => fn(call))
        .then(
          (res) => callback(null, res),
          (err: unknown) => {
            // Refused enrollments and refused identities are audit events (info); bad requests are debug noise.
            if (err instanceof TaskError && (name === 'Enroll' || /^JARVIS_(?:WORKER|TOKEN)_/.test(err.code))) {
              this.o.logger.info({ rpc: name, code: err.code, peer: call.getPeer() }, name === 'Enroll' ? `enrollment refused: ${err.code}` : `worker call refused: ${err.code}`);
            } else if (err instanceof TaskError) this.o.logger.debug({ rpc: name, code: err.code, details: err.details, peer: call.getPeer() }, 'worker call refused');
            else this.o.logger.error({ rpc: name, err }, 'worker call failed');
            callback(toServiceError(err), null);
          },
        );
    };
  }

  private handlers(): WorkerServiceHandlers {
    const { queue, workers, tokens, ca, logger } = this.o;
    return {
      Enroll: this.unary('Enroll', async (call) => {
        const req = parse(enrollSchema, call.request);
        parseTokenOrThrow(req.token);
        const workerId = randomBytes(8).toString('hex');
        // Sign first (async WebCrypto), then redeem the token and store the worker in one synchronous
        // transaction: a refused token leaves no worker, and the unused certificate is simply dropped.
        const issued = await ca.signWorkerCsr(req.csrPem, workerId, this.o.certValidityMs);
        const name = req.name || req.capabilities?.hostname || workerId;
        const token = workers.db.transaction(() => {
          const t = tokens.redeem(req.token);
          workers.insertWorker({ id: workerId, name, tokenId: t.id, labels: t.labels, capabilities: req.capabilities ?? {}, certFingerprint: issued.fingerprint, certNotAfter: issued.notAfter, enrolledAt: Date.now() });
          return t;
        })();
        logger.info({ workerId, name, tokenId: token.id }, 'worker enrolled');
        return {
          workerId,
          certificateChainPem: `${issued.certPem}\n${ca.certPem}`,
          caCertificatePem: ca.certPem,
          labels: token.labels,
          certificateNotAfterMs: issued.notAfter,
        };
      }),

      Pull: this.unary('Pull', async (call) => {
        const worker = this.authenticate(call as UnaryCall);
        const req = parse(pullSchema, call.request);
        const caps: Capabilities__Output | null = req.capabilities as Capabilities__Output | null;
        if (caps) workers.touchWorker(worker.id, caps, Date.now());
        const request = {
          capacity: req.capacity,
          types: req.taskTypes.length ? req.taskTypes : (caps?.taskTypes ?? []),
          tags: capabilityTags(caps, worker.labels),
        };
        const deadline = Date.now() + Math.min(req.waitMs, this.o.maxWaitMs ?? 30_000);
        // The revocation check and the lease are one transaction, so no task goes to a worker revoked
        // (by `jarvis worker revoke`, another process) while this Pull waited [GRPC-5.3].
        const leaseIfStillAllowed = (): Lease[] =>
          workers.db.transaction(() => {
            this.stillAllowed(worker);
            return queue.lease(worker.id, request);
          })();
        let leases: Lease[] = leaseIfStillAllowed();
        while (leases.length === 0 && Date.now() < deadline && !this.stopping.signal.aborted && !call.cancelled) {
          // Wakes on new work and at least every poll interval, which bounds how long a revoked worker's Pull lives on.
          await this.waitForWork(deadline);
          if (this.stopping.signal.aborted || call.cancelled) break;
          leases = leaseIfStillAllowed();
        }
        if (call.cancelled && leases.length) {
          // The worker went away before receiving them: let the leases lapse rather than strand them.
          for (const l of leases) queue.fail(worker.id, l.task.id, l.leaseId, { code: 'JARVIS_PULL_CANCELLED', message: 'pull cancelled before delivery', retryable: true, cancelled: false });
        }
        return {
          tasks: leases.map((l) => ({
            taskId: l.task.id,
            leaseId: l.leaseId,
            type: l.task.type,
            payloadJson: JSON.stringify(l.task.payload),
            leaseExpiresAtMs: l.expiresAt,
            attempt: l.task.attempts,
            maxAttempts: l.task.maxAttempts,
            priority: l.task.priority,
          })),
          heartbeatIntervalMs: Math.max(100, Math.floor(queue.leaseMs / 3)),
        };
      }),

      Heartbeat: this.unary('Heartbeat', (call) => {
        const worker = this.authenticate(call as UnaryCall);
        const req = parse(heartbeatSchema, call.request);
        const out = queue.heartbeat(worker.id, req.leaseIds);
        return {
          renewed: out.renewed.map((r) => ({ leaseId: r.leaseId, leaseExpiresAtMs: r.expiresAt })),
          cancelLeaseIds: out.cancel,
          lostLeaseIds: out.lost,
        };
      }),

      Complete: this.unary('Complete', (call) => {
        const worker = this.authenticate(call as UnaryCall);
        const req = parse(completeSchema, call.request);
        return queue.complete(worker.id, req.taskId, req.leaseId, JSON.parse(req.resultJson) as unknown);
      }),

      Fail: this.unary('Fail', (call) => {
        const worker = this.authenticate(call as UnaryCall);
        const req = parse(failSchema, call.request);
        return queue.fail(worker.id, req.taskId, req.leaseId, {
          code: req.errorCode || 'JARVIS_WORKER_HANDLER_ERROR',
          message: req.errorMessage || 'handler failed',
          retryable: req.retryable,
          cancelled: req.cancelled,
        });
      }),
    };
  }

  /** Resolves when work may have arrived, the poll interval passed, the deadline came, or the server stops. */
  private waitForWork(deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        off();
        this.stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(this.o.pollMs ?? 250, deadline - Date.now())));
      const off = this.o.queue.onAvailable(done);
      this.stopping.signal.addEventListener('abort', done);
    });
  }
}
