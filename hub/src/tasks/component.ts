import { type Component, type Logger, InternalError } from '../core/index.js';
import { type Db, WorkersRepository } from '../store/index.js';
import { CertificateAuthority } from './ca.js';
import { tasksDir } from './data-dir.js';
import { WorkerGrpcServer } from './grpc-server.js';
import { SqliteTaskQueue, type QueueOptions } from './queue.js';
import { JoinTokens } from './tokens.js';

/** Options of {@link TasksComponent}. */
export interface TasksComponentOptions extends QueueOptions {
  db: Db;
  /** The hub's data directory; the CA lives in `<dataDir>/tasks/`. */
  dataDir: string;
  logger: Logger;
  /** Address of the worker gRPC port (default 0.0.0.0). */
  host?: string;
  /** Worker gRPC port (default 7443; 0 picks a free one). */
  port?: number;
  /** Extra host names / IPs the hub's server certificate should name. */
  serverNames?: string[];
  /** How often expired leases are returned to the queue, ms (default leaseMs / 2). */
  reapIntervalMs?: number;
}

/** The default worker gRPC port. */
export const DEFAULT_WORKER_PORT = 7443;

/**
 * The tasks part of the hub (DESIGN.md §3): the durable queue, the CA, join tokens, the worker
 * registry and the worker gRPC server. `queue` is usable before `start()` (it is only the database).
 */
export class TasksComponent implements Component {
  readonly name = 'tasks';
  /** The cold path's queue: `enqueue`, `onSettled`, ... */
  readonly queue: SqliteTaskQueue;
  /** Worker registry and join tokens' storage. */
  readonly workers: WorkersRepository;
  private server: WorkerGrpcServer | undefined;
  private ca: CertificateAuthority | undefined;
  private tokenStore: JoinTokens | undefined;
  private reaper: NodeJS.Timeout | undefined;

  constructor(private readonly options: TasksComponentOptions) {
    this.queue = new SqliteTaskQueue(options.db, options);
    this.workers = new WorkersRepository(options.db);
  }

  /** The bound worker port (after start). */
  get port(): number {
    return this.server?.port ?? 0;
  }

  /** SHA-256 of the CA certificate (after start). */
  get caFingerprint(): string {
    if (!this.ca) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'tasks component not started');
    return this.ca.fingerprint;
  }

  /** Join tokens bound to this hub's CA (after start). */
  get tokens(): JoinTokens {
    if (!this.tokenStore) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'tasks component not started');
    return this.tokenStore;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const o = this.options;
    this.ca ??= await CertificateAuthority.loadOrCreate(tasksDir(o.dataDir));
    this.tokenStore ??= new JoinTokens(this.workers, this.ca.fingerprint);
    const serverCert = await this.ca.issueServerCert(o.serverNames ?? []);
    const server = new WorkerGrpcServer({
      host: o.host ?? '0.0.0.0',
      port: o.port ?? DEFAULT_WORKER_PORT,
      queue: this.queue,
      workers: this.workers,
      tokens: this.tokenStore,
      ca: this.ca,
      serverCert,
      logger: o.logger,
    });
    await server.start();
    this.server = server;
    this.queue.reapExpired();
    this.reaper = setInterval(() => {
      try {
        this.queue.reapExpired();
      } catch (err) {
        o.logger.error({ err }, 'reaping expired leases failed');
      }
    }, o.reapIntervalMs ?? Math.max(50, Math.floor(this.queue.leaseMs / 2)));
    this.reaper.unref();
  }

  async stop(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }
}
