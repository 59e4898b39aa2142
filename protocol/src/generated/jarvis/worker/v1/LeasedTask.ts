// Original file: proto/jarvis/worker/v1/worker.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A task leased to the calling worker.
 */
export interface LeasedTask {
  /**
   * Task id.
   */
  'taskId'?: (string);
  /**
   * Lease id; names this attempt in Heartbeat, Complete and Fail.
   */
  'leaseId'?: (string);
  /**
   * Task type, e.g. "echo", "llm.generate".
   */
  'type'?: (string);
  /**
   * Task input as JSON text.
   */
  'payloadJson'?: (string);
  /**
   * When the lease ends unless renewed, milliseconds since the Unix epoch (hub clock).
   */
  'leaseExpiresAtMs'?: (number | string | Long);
  /**
   * This attempt's number, starting at 1.
   */
  'attempt'?: (number);
  /**
   * Attempts allowed before the task is dead-lettered.
   */
  'maxAttempts'?: (number);
  /**
   * Priority; higher runs first.
   */
  'priority'?: (number);
}

/**
 * A task leased to the calling worker.
 */
export interface LeasedTask__Output {
  /**
   * Task id.
   */
  'taskId': (string);
  /**
   * Lease id; names this attempt in Heartbeat, Complete and Fail.
   */
  'leaseId': (string);
  /**
   * Task type, e.g. "echo", "llm.generate".
   */
  'type': (string);
  /**
   * Task input as JSON text.
   */
  'payloadJson': (string);
  /**
   * When the lease ends unless renewed, milliseconds since the Unix epoch (hub clock).
   */
  'leaseExpiresAtMs': (number);
  /**
   * This attempt's number, starting at 1.
   */
  'attempt': (number);
  /**
   * Attempts allowed before the task is dead-lettered.
   */
  'maxAttempts': (number);
  /**
   * Priority; higher runs first.
   */
  'priority': (number);
}
