// Original file: proto/jarvis/worker/v1/worker.proto

import type { LeasedTask as _jarvis_worker_v1_LeasedTask, LeasedTask__Output as _jarvis_worker_v1_LeasedTask__Output } from '../../../jarvis/worker/v1/LeasedTask.js';

/**
 * Pull's answer; empty `tasks` when nothing arrived within `wait_ms`.
 */
export interface PullResponse {
  /**
   * Leased tasks, at most `capacity`.
   */
  'tasks'?: (_jarvis_worker_v1_LeasedTask)[];
  /**
   * How often the worker should heartbeat its leases, in ms.
   */
  'heartbeatIntervalMs'?: (number);
}

/**
 * Pull's answer; empty `tasks` when nothing arrived within `wait_ms`.
 */
export interface PullResponse__Output {
  /**
   * Leased tasks, at most `capacity`.
   */
  'tasks': (_jarvis_worker_v1_LeasedTask__Output)[];
  /**
   * How often the worker should heartbeat its leases, in ms.
   */
  'heartbeatIntervalMs': (number);
}
