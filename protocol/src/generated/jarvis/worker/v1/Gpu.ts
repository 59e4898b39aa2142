// Original file: proto/jarvis/worker/v1/worker.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A GPU found on the worker (through `nvidia-smi` when present).
 */
export interface Gpu {
  /**
   * Product name, e.g. "NVIDIA GeForce RTX 3060".
   */
  'name'?: (string);
  /**
   * Total device memory in bytes.
   */
  'memoryBytes'?: (number | string | Long);
}

/**
 * A GPU found on the worker (through `nvidia-smi` when present).
 */
export interface Gpu__Output {
  /**
   * Product name, e.g. "NVIDIA GeForce RTX 3060".
   */
  'name': (string);
  /**
   * Total device memory in bytes.
   */
  'memoryBytes': (number);
}
