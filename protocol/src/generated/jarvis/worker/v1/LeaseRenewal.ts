// Original file: proto/jarvis/worker/v1/worker.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A renewed lease.
 */
export interface LeaseRenewal {
  /**
   * Lease id.
   */
  'leaseId'?: (string);
  /**
   * New expiry, milliseconds since the Unix epoch (hub clock).
   */
  'leaseExpiresAtMs'?: (number | string | Long);
}

/**
 * A renewed lease.
 */
export interface LeaseRenewal__Output {
  /**
   * Lease id.
   */
  'leaseId': (string);
  /**
   * New expiry, milliseconds since the Unix epoch (hub clock).
   */
  'leaseExpiresAtMs': (number);
}
