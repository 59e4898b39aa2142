// Original file: proto/jarvis/worker/v1/worker.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CompleteRequest as _jarvis_worker_v1_CompleteRequest, CompleteRequest__Output as _jarvis_worker_v1_CompleteRequest__Output } from '../../../jarvis/worker/v1/CompleteRequest.js';
import type { CompleteResponse as _jarvis_worker_v1_CompleteResponse, CompleteResponse__Output as _jarvis_worker_v1_CompleteResponse__Output } from '../../../jarvis/worker/v1/CompleteResponse.js';
import type { EnrollRequest as _jarvis_worker_v1_EnrollRequest, EnrollRequest__Output as _jarvis_worker_v1_EnrollRequest__Output } from '../../../jarvis/worker/v1/EnrollRequest.js';
import type { EnrollResponse as _jarvis_worker_v1_EnrollResponse, EnrollResponse__Output as _jarvis_worker_v1_EnrollResponse__Output } from '../../../jarvis/worker/v1/EnrollResponse.js';
import type { FailRequest as _jarvis_worker_v1_FailRequest, FailRequest__Output as _jarvis_worker_v1_FailRequest__Output } from '../../../jarvis/worker/v1/FailRequest.js';
import type { FailResponse as _jarvis_worker_v1_FailResponse, FailResponse__Output as _jarvis_worker_v1_FailResponse__Output } from '../../../jarvis/worker/v1/FailResponse.js';
import type { HeartbeatRequest as _jarvis_worker_v1_HeartbeatRequest, HeartbeatRequest__Output as _jarvis_worker_v1_HeartbeatRequest__Output } from '../../../jarvis/worker/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _jarvis_worker_v1_HeartbeatResponse, HeartbeatResponse__Output as _jarvis_worker_v1_HeartbeatResponse__Output } from '../../../jarvis/worker/v1/HeartbeatResponse.js';
import type { PullRequest as _jarvis_worker_v1_PullRequest, PullRequest__Output as _jarvis_worker_v1_PullRequest__Output } from '../../../jarvis/worker/v1/PullRequest.js';
import type { PullResponse as _jarvis_worker_v1_PullResponse, PullResponse__Output as _jarvis_worker_v1_PullResponse__Output } from '../../../jarvis/worker/v1/PullResponse.js';

/**
 * The hub's side of the worker protocol.
 */
export interface WorkerServiceClient extends grpc.Client {
  /**
   * Records the result of a leased task; a second completion of the same task changes nothing. [GRPC-5.6]
   */
  Complete(argument: _jarvis_worker_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _jarvis_worker_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _jarvis_worker_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  Complete(argument: _jarvis_worker_v1_CompleteRequest, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Records the result of a leased task; a second completion of the same task changes nothing. [GRPC-5.6]
   */
  complete(argument: _jarvis_worker_v1_CompleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _jarvis_worker_v1_CompleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _jarvis_worker_v1_CompleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  complete(argument: _jarvis_worker_v1_CompleteRequest, callback: grpc.requestCallback<_jarvis_worker_v1_CompleteResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Exchanges a join token and a certificate signing request for a client certificate. [GRPC-5.2]
   * The only call allowed without a client certificate.
   */
  Enroll(argument: _jarvis_worker_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _jarvis_worker_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _jarvis_worker_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _jarvis_worker_v1_EnrollRequest, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Exchanges a join token and a certificate signing request for a client certificate. [GRPC-5.2]
   * The only call allowed without a client certificate.
   */
  enroll(argument: _jarvis_worker_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _jarvis_worker_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _jarvis_worker_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _jarvis_worker_v1_EnrollRequest, callback: grpc.requestCallback<_jarvis_worker_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Records a failure (or the acknowledgement of a cancellation) of a leased task. [GRPC-5.7]
   */
  Fail(argument: _jarvis_worker_v1_FailRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  Fail(argument: _jarvis_worker_v1_FailRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  Fail(argument: _jarvis_worker_v1_FailRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  Fail(argument: _jarvis_worker_v1_FailRequest, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Records a failure (or the acknowledgement of a cancellation) of a leased task. [GRPC-5.7]
   */
  fail(argument: _jarvis_worker_v1_FailRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  fail(argument: _jarvis_worker_v1_FailRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  fail(argument: _jarvis_worker_v1_FailRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  fail(argument: _jarvis_worker_v1_FailRequest, callback: grpc.requestCallback<_jarvis_worker_v1_FailResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Renews the leases the worker holds and tells it which to cancel or give up. [GRPC-5.5]
   */
  Heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Renews the leases the worker holds and tells it which to cancel or give up. [GRPC-5.5]
   */
  heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _jarvis_worker_v1_HeartbeatRequest, callback: grpc.requestCallback<_jarvis_worker_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Leases up to `capacity` queued tasks the worker can run; long-polls up to `wait_ms` when none. [GRPC-5.4]
   */
  Pull(argument: _jarvis_worker_v1_PullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _jarvis_worker_v1_PullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _jarvis_worker_v1_PullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  Pull(argument: _jarvis_worker_v1_PullRequest, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Leases up to `capacity` queued tasks the worker can run; long-polls up to `wait_ms` when none. [GRPC-5.4]
   */
  pull(argument: _jarvis_worker_v1_PullRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _jarvis_worker_v1_PullRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _jarvis_worker_v1_PullRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  pull(argument: _jarvis_worker_v1_PullRequest, callback: grpc.requestCallback<_jarvis_worker_v1_PullResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The hub's side of the worker protocol.
 */
export interface WorkerServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Records the result of a leased task; a second completion of the same task changes nothing. [GRPC-5.6]
   */
  Complete: grpc.handleUnaryCall<_jarvis_worker_v1_CompleteRequest__Output, _jarvis_worker_v1_CompleteResponse>;
  
  /**
   * Exchanges a join token and a certificate signing request for a client certificate. [GRPC-5.2]
   * The only call allowed without a client certificate.
   */
  Enroll: grpc.handleUnaryCall<_jarvis_worker_v1_EnrollRequest__Output, _jarvis_worker_v1_EnrollResponse>;
  
  /**
   * Records a failure (or the acknowledgement of a cancellation) of a leased task. [GRPC-5.7]
   */
  Fail: grpc.handleUnaryCall<_jarvis_worker_v1_FailRequest__Output, _jarvis_worker_v1_FailResponse>;
  
  /**
   * Renews the leases the worker holds and tells it which to cancel or give up. [GRPC-5.5]
   */
  Heartbeat: grpc.handleUnaryCall<_jarvis_worker_v1_HeartbeatRequest__Output, _jarvis_worker_v1_HeartbeatResponse>;
  
  /**
   * Leases up to `capacity` queued tasks the worker can run; long-polls up to `wait_ms` when none. [GRPC-5.4]
   */
  Pull: grpc.handleUnaryCall<_jarvis_worker_v1_PullRequest__Output, _jarvis_worker_v1_PullResponse>;
  
}

export interface WorkerServiceDefinition extends grpc.ServiceDefinition {
  Complete: MethodDefinition<_jarvis_worker_v1_CompleteRequest, _jarvis_worker_v1_CompleteResponse, _jarvis_worker_v1_CompleteRequest__Output, _jarvis_worker_v1_CompleteResponse__Output>
  Enroll: MethodDefinition<_jarvis_worker_v1_EnrollRequest, _jarvis_worker_v1_EnrollResponse, _jarvis_worker_v1_EnrollRequest__Output, _jarvis_worker_v1_EnrollResponse__Output>
  Fail: MethodDefinition<_jarvis_worker_v1_FailRequest, _jarvis_worker_v1_FailResponse, _jarvis_worker_v1_FailRequest__Output, _jarvis_worker_v1_FailResponse__Output>
  Heartbeat: MethodDefinition<_jarvis_worker_v1_HeartbeatRequest, _jarvis_worker_v1_HeartbeatResponse, _jarvis_worker_v1_HeartbeatRequest__Output, _jarvis_worker_v1_HeartbeatResponse__Output>
  Pull: MethodDefinition<_jarvis_worker_v1_PullRequest, _jarvis_worker_v1_PullResponse, _jarvis_worker_v1_PullRequest__Output, _jarvis_worker_v1_PullResponse__Output>
}
