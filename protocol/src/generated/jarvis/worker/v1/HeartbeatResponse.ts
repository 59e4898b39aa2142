// Original file: proto/jarvis/worker/v1/worker.proto

import type { LeaseRenewal as _jarvis_worker_v1_LeaseRenewal, LeaseRenewal__Output as _jarvis_worker_v1_LeaseRenewal__Output } from '../../../jarvis/worker/v1/LeaseRenewal.js';

/**
 * Heartbeat's answer.
 */
export interface HeartbeatResponse {
  /**
   * Leases renewed.
   */
  'renewed'?: (_jarvis_worker_v1_LeaseRenewal)[];
  /**
   * Leases whose task was cancelled: abort the handler, then acknowledge with Fail(cancelled = true).
   */
  'cancelLeaseIds'?: (string)[];
  /**
   * Leases the worker no longer holds (expired, re-leased or settled): abort and report nothing.
   */
  'lostLeaseIds'?: (string)[];
}

/**
 * Heartbeat's answer.
 */
export interface HeartbeatResponse__Output {
  /**
   * Leases renewed.
   */
  'renewed': (_jarvis_worker_v1_LeaseRenewal__Output)[];
  /**
   * Leases whose task was cancelled: abort the handler, then acknowledge with Fail(cancelled = true).
   */
  'cancelLeaseIds': (string)[];
  /**
   * Leases the worker no longer holds (expired, re-leased or settled): abort and report nothing.
   */
  'lostLeaseIds': (string)[];
}
