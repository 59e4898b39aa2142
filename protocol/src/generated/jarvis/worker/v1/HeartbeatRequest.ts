// Original file: proto/jarvis/worker/v1/worker.proto


/**
 * Heartbeat: the leases the worker still holds.
 */
export interface HeartbeatRequest {
  /**
   * Lease ids of tasks running on the worker.
   */
  'leaseIds'?: (string)[];
  /**
   * True while the worker drains (finishes what it holds, takes nothing new).
   */
  'draining'?: (boolean);
}

/**
 * Heartbeat: the leases the worker still holds.
 */
export interface HeartbeatRequest__Output {
  /**
   * Lease ids of tasks running on the worker.
   */
  'leaseIds': (string)[];
  /**
   * True while the worker drains (finishes what it holds, takes nothing new).
   */
  'draining': (boolean);
}
