import { fileURLToPath } from 'node:url';

/**
 * Where the worker service's `.proto` lives and how to load it (SPEC.md §5). Computing a path is not
 * I/O: hub and worker code pass these to `@grpc/proto-loader` themselves.
 */

/** Absolute path of `worker.proto`, valid from both `src/` and `dist/`. [GRPC-5.1] */
export const WORKER_PROTO_PATH: string = fileURLToPath(new URL('../proto/jarvis/worker/v1/worker.proto', import.meta.url));

/** Include directory that `worker.proto` is resolved against. */
export const WORKER_PROTO_INCLUDE_DIR: string = fileURLToPath(new URL('../proto/', import.meta.url));

/** proto-loader options that match the generated types (`npm run gen:proto`): camelCase, int64 as number, enums as strings, defaults filled. */
export const WORKER_PROTO_LOADER_OPTIONS = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

/** Fully qualified name of the service, as gRPC paths spell it. */
export const WORKER_SERVICE_NAME = 'jarvis.worker.v1.WorkerService';

export type { ProtoGrpcType as WorkerProtoGrpcType } from './generated/worker.js';
export type { WorkerServiceClient, WorkerServiceHandlers, WorkerServiceDefinition } from './generated/jarvis/worker/v1/WorkerService.js';
export type { Capabilities, Capabilities__Output } from './generated/jarvis/worker/v1/Capabilities.js';
export type { Gpu, Gpu__Output } from './generated/jarvis/worker/v1/Gpu.js';
export type { EnrollRequest, EnrollRequest__Output } from './generated/jarvis/worker/v1/EnrollRequest.js';
export type { EnrollResponse, EnrollResponse__Output } from './generated/jarvis/worker/v1/EnrollResponse.js';
export type { PullRequest, PullRequest__Output } from './generated/jarvis/worker/v1/PullRequest.js';
export type { PullResponse, PullResponse__Output } from './generated/jarvis/worker/v1/PullResponse.js';
export type { LeasedTask, LeasedTask__Output } from './generated/jarvis/worker/v1/LeasedTask.js';
export type { HeartbeatRequest, HeartbeatRequest__Output } from './generated/jarvis/worker/v1/HeartbeatRequest.js';
export type { HeartbeatResponse, HeartbeatResponse__Output } from './generated/jarvis/worker/v1/HeartbeatResponse.js';
export type { LeaseRenewal, LeaseRenewal__Output } from './generated/jarvis/worker/v1/LeaseRenewal.js';
export type { CompleteRequest, CompleteRequest__Output } from './generated/jarvis/worker/v1/CompleteRequest.js';
export type { CompleteResponse, CompleteResponse__Output } from './generated/jarvis/worker/v1/CompleteResponse.js';
export type { FailRequest, FailRequest__Output } from './generated/jarvis/worker/v1/FailRequest.js';
export type { FailResponse, FailResponse__Output } from './generated/jarvis/worker/v1/FailResponse.js';
