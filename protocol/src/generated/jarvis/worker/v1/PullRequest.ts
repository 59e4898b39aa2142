// Original file: proto/jarvis/worker/v1/worker.proto

import type { Capabilities as _jarvis_worker_v1_Capabilities, Capabilities__Output as _jarvis_worker_v1_Capabilities__Output } from '../../../jarvis/worker/v1/Capabilities.js';

/**
 * Pull: "I can take this many more tasks".
 */
export interface PullRequest {
  /**
   * Number of tasks the worker can start now, 1..64.
   */
  'capacity'?: (number);
  /**
   * Task types to consider; empty means the types in `capabilities.task_types`.
   */
  'taskTypes'?: (string)[];
  /**
   * Current capabilities (cores, memory, GPUs, models).
   */
  'capabilities'?: (_jarvis_worker_v1_Capabilities | null);
  /**
   * How long the hub may hold the call open when nothing is queued, 0..60000 ms; 0 answers at once.
   */
  'waitMs'?: (number);
}

/**
 * Pull: "I can take this many more tasks".
 */
export interface PullRequest__Output {
  /**
   * Number of tasks the worker can start now, 1..64.
   */
  'capacity': (number);
  /**
   * Task types to consider; empty means the types in `capabilities.task_types`.
   */
  'taskTypes': (string)[];
  /**
   * Current capabilities (cores, memory, GPUs, models).
   */
  'capabilities': (_jarvis_worker_v1_Capabilities__Output | null);
  /**
   * How long the hub may hold the call open when nothing is queued, 0..60000 ms; 0 answers at once.
   */
  'waitMs': (number);
}
