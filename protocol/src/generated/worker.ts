import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Capabilities as _jarvis_worker_v1_Capabilities, Capabilities__Output as _jarvis_worker_v1_Capabilities__Output } from './jarvis/worker/v1/Capabilities.js';
import type { CompleteRequest as _jarvis_worker_v1_CompleteRequest, CompleteRequest__Output as _jarvis_worker_v1_CompleteRequest__Output } from './jarvis/worker/v1/CompleteRequest.js';
import type { CompleteResponse as _jarvis_worker_v1_CompleteResponse, CompleteResponse__Output as _jarvis_worker_v1_CompleteResponse__Output } from './jarvis/worker/v1/CompleteResponse.js';
import type { EnrollRequest as _jarvis_worker_v1_EnrollRequest, EnrollRequest__Output as _jarvis_worker_v1_EnrollRequest__Output } from './jarvis/worker/v1/EnrollRequest.js';
import type { EnrollResponse as _jarvis_worker_v1_EnrollResponse, EnrollResponse__Output as _jarvis_worker_v1_EnrollResponse__Output } from './jarvis/worker/v1/EnrollResponse.js';
import type { FailRequest as _jarvis_worker_v1_FailRequest, FailRequest__Output as _jarvis_worker_v1_FailRequest__Output } from './jarvis/worker/v1/FailRequest.js';
import type { FailResponse as _jarvis_worker_v1_FailResponse, FailResponse__Output as _jarvis_worker_v1_FailResponse__Output } from './jarvis/worker/v1/FailResponse.js';
import type { Gpu as _jarvis_worker_v1_Gpu, Gpu__Output as _jarvis_worker_v1_Gpu__Output } from './jarvis/worker/v1/Gpu.js';
import type { HeartbeatRequest as _jarvis_worker_v1_HeartbeatRequest, HeartbeatRequest__Output as _jarvis_worker_v1_HeartbeatRequest__Output } from './jarvis/worker/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _jarvis_worker_v1_HeartbeatResponse, HeartbeatResponse__Output as _jarvis_worker_v1_HeartbeatResponse__Output } from './jarvis/worker/v1/HeartbeatResponse.js';
import type { LeaseRenewal as _jarvis_worker_v1_LeaseRenewal, LeaseRenewal__Output as _jarvis_worker_v1_LeaseRenewal__Output } from './jarvis/worker/v1/LeaseRenewal.js';
import type { LeasedTask as _jarvis_worker_v1_LeasedTask, LeasedTask__Output as _jarvis_worker_v1_LeasedTask__Output } from './jarvis/worker/v1/LeasedTask.js';
import type { PullRequest as _jarvis_worker_v1_PullRequest, PullRequest__Output as _jarvis_worker_v1_PullRequest__Output } from './jarvis/worker/v1/PullRequest.js';
import type { PullResponse as _jarvis_worker_v1_PullResponse, PullResponse__Output as _jarvis_worker_v1_PullResponse__Output } from './jarvis/worker/v1/PullResponse.js';
import type { WorkerServiceClient as _jarvis_worker_v1_WorkerServiceClient, WorkerServiceDefinition as _jarvis_worker_v1_WorkerServiceDefinition } from './jarvis/worker/v1/WorkerService.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  jarvis: {
    worker: {
      v1: {
        Capabilities: MessageTypeDefinition<_jarvis_worker_v1_Capabilities, _jarvis_worker_v1_Capabilities__Output>
        CompleteRequest: MessageTypeDefinition<_jarvis_worker_v1_CompleteRequest, _jarvis_worker_v1_CompleteRequest__Output>
        CompleteResponse: MessageTypeDefinition<_jarvis_worker_v1_CompleteResponse, _jarvis_worker_v1_CompleteResponse__Output>
        EnrollRequest: MessageTypeDefinition<_jarvis_worker_v1_EnrollRequest, _jarvis_worker_v1_EnrollRequest__Output>
        EnrollResponse: MessageTypeDefinition<_jarvis_worker_v1_EnrollResponse, _jarvis_worker_v1_EnrollResponse__Output>
        FailRequest: MessageTypeDefinition<_jarvis_worker_v1_FailRequest, _jarvis_worker_v1_FailRequest__Output>
        FailResponse: MessageTypeDefinition<_jarvis_worker_v1_FailResponse, _jarvis_worker_v1_FailResponse__Output>
        Gpu: MessageTypeDefinition<_jarvis_worker_v1_Gpu, _jarvis_worker_v1_Gpu__Output>
        HeartbeatRequest: MessageTypeDefinition<_jarvis_worker_v1_HeartbeatRequest, _jarvis_worker_v1_HeartbeatRequest__Output>
        HeartbeatResponse: MessageTypeDefinition<_jarvis_worker_v1_HeartbeatResponse, _jarvis_worker_v1_HeartbeatResponse__Output>
        LeaseRenewal: MessageTypeDefinition<_jarvis_worker_v1_LeaseRenewal, _jarvis_worker_v1_LeaseRenewal__Output>
        LeasedTask: MessageTypeDefinition<_jarvis_worker_v1_LeasedTask, _jarvis_worker_v1_LeasedTask__Output>
        PullRequest: MessageTypeDefinition<_jarvis_worker_v1_PullRequest, _jarvis_worker_v1_PullRequest__Output>
        PullResponse: MessageTypeDefinition<_jarvis_worker_v1_PullResponse, _jarvis_worker_v1_PullResponse__Output>
        /**
         * The hub's side of the worker protocol.
         */
        WorkerService: SubtypeConstructor<typeof grpc.Client, _jarvis_worker_v1_WorkerServiceClient> & { service: _jarvis_worker_v1_WorkerServiceDefinition }
      }
    }
  }
}

