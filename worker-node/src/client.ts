import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import {
  WORKER_PROTO_INCLUDE_DIR,
  WORKER_PROTO_LOADER_OPTIONS,
  WORKER_PROTO_PATH,
  type CompleteRequest,
  type CompleteResponse__Output,
  type EnrollRequest,
  type EnrollResponse__Output,
  type FailRequest,
  type FailResponse__Output,
  type HeartbeatRequest,
  type HeartbeatResponse__Output,
  type PullRequest,
  type PullResponse__Output,
  type WorkerProtoGrpcType,
  type WorkerServiceClient,
} from '@jarvis/protocol';

export type { WorkerServiceClient };

const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

let ctor: WorkerProtoGrpcType['jarvis']['worker']['v1']['WorkerService'] | undefined;

/** The generated client constructor, loaded from the .proto once per process. */
function clientCtor(): WorkerProtoGrpcType['jarvis']['worker']['v1']['WorkerService'] {
  if (!ctor) {
    const def = protoLoader.loadSync(WORKER_PROTO_PATH, { ...WORKER_PROTO_LOADER_OPTIONS, includeDirs: [WORKER_PROTO_INCLUDE_DIR] });
    ctor = (grpc.loadPackageDefinition(def) as unknown as WorkerProtoGrpcType).jarvis.worker.v1.WorkerService;
  }
  return ctor;
}

/**
 * TLS credentials that trust only the hub's CA (pinned at enrollment). The host name is not checked:
 * workers reach the hub by whatever address works on the LAN, and the private CA is the identity; the
 * peer must still hold a certificate with the serverAuth purpose, which worker certificates lack.
 */
export function hubCredentials(caPem: string, client?: { keyPem: string; certChainPem: string }): grpc.ChannelCredentials {
  return grpc.credentials.createSsl(
    Buffer.from(caPem),
    client ? Buffer.from(client.keyPem) : null,
    client ? Buffer.from(client.certChainPem) : null,
    {
      checkServerIdentity: (_host, cert) =>
        cert.ext_key_usage?.includes(OID_SERVER_AUTH) ? undefined : new Error('hub certificate lacks the serverAuth purpose'),
    },
  );
}

/** A client of the worker service at `address` (`host:port`). */
export function createWorkerClient(address: string, credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}): WorkerServiceClient {
  const Ctor = clientCtor();
  const host = /^\[?([^\]]+?)\]?:\d+$/.exec(address)?.[1] ?? address;
  return new Ctor(address, credentials, {
    // TLS must not send an IP address as SNI (Node warns, DEP0123); the name is not checked anyway.
    ...(isIP(host) ? { 'grpc.ssl_target_name_override': 'jarvis-hub' } : {}),
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 2_000,
    ...options,
  });
}

interface Methods {
  Enroll: [EnrollRequest, EnrollResponse__Output];
  Pull: [PullRequest, PullResponse__Output];
  Heartbeat: [HeartbeatRequest, HeartbeatResponse__Output];
  Complete: [CompleteRequest, CompleteResponse__Output];
  Fail: [FailRequest, FailResponse__Output];
}
type Method = keyof Methods;
type Req<M extends Method> = Methods[M][0];
type Res<M extends Method> = Methods[M][1];

/** Calls one unary method as a promise, with a deadline in ms. Rejects with the gRPC ServiceError. */
export function call<M extends Method>(client: WorkerServiceClient, method: M, request: Req<M>, timeoutMs: number, signal?: AbortSignal): Promise<NonNullable<Res<M>>> {
  return new Promise((resolve, reject) => {
    const fn = client[method] as unknown as (
      req: unknown,
      md: grpc.Metadata,
      opts: grpc.CallOptions,
      cb: (err: grpc.ServiceError | null, res?: unknown) => void,
    ) => grpc.ClientUnaryCall;
    const onAbort = (): void => pending.cancel();
    const pending = fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res as NonNullable<Res<M>>);
    });
    if (signal?.aborted) pending.cancel();
    else signal?.addEventListener('abort', onAbort);
  });
}

/** True for errors worth retrying after a pause (hub restarting, network blip). */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: number } | null)?.code;
  return code === grpc.status.UNAVAILABLE || code === grpc.status.DEADLINE_EXCEEDED || code === grpc.status.CANCELLED || code === grpc.status.INTERNAL || code === grpc.status.UNKNOWN;
}

/** The `jarvis-error-code` trailer of a failed call, if the hub set one. */
export function errorCode(err: unknown): string | undefined {
  const md = (err as { metadata?: grpc.Metadata } | null)?.metadata;
  const v = md?.get('jarvis-error-code')[0];
  return typeof v === 'string' ? v : undefined;
}
