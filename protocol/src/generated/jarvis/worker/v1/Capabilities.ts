// Original file: proto/jarvis/worker/v1/worker.proto

import type { Gpu as _jarvis_worker_v1_Gpu, Gpu__Output as _jarvis_worker_v1_Gpu__Output } from '../../../jarvis/worker/v1/Gpu.js';
import type { Long } from '@grpc/proto-loader';

/**
 * What a worker can do; the hub matches it against a task's required capabilities. [GRPC-5.3]
 */
export interface Capabilities {
  /**
   * Logical CPU cores.
   */
  'cpuCores'?: (number);
  /**
   * Total system memory in bytes.
   */
  'memoryBytes'?: (number | string | Long);
  /**
   * GPUs found; empty when none.
   */
  'gpus'?: (_jarvis_worker_v1_Gpu)[];
  /**
   * Model files present in the worker's models directory (file names).
   */
  'models'?: (string)[];
  /**
   * Task types the worker has handlers for.
   */
  'taskTypes'?: (string)[];
  /**
   * Worker software version.
   */
  'version'?: (string);
  /**
   * Host name, for display only.
   */
  'hostname'?: (string);
}

/**
 * What a worker can do; the hub matches it against a task's required capabilities. [GRPC-5.3]
 */
export interface Capabilities__Output {
  /**
   * Logical CPU cores.
   */
  'cpuCores': (number);
  /**
   * Total system memory in bytes.
   */
  'memoryBytes': (number);
  /**
   * GPUs found; empty when none.
   */
  'gpus': (_jarvis_worker_v1_Gpu__Output)[];
  /**
   * Model files present in the worker's models directory (file names).
   */
  'models': (string)[];
  /**
   * Task types the worker has handlers for.
   */
  'taskTypes': (string)[];
  /**
   * Worker software version.
   */
  'version': (string);
  /**
   * Host name, for display only.
   */
  'hostname': (string);
}
