// Original file: proto/jarvis/worker/v1/worker.proto


/**
 * Fail's answer.
 */
export interface FailResponse {
  /**
   * True when this call changed the task; false when it was already settled or the lease was stale.
   */
  'recorded'?: (boolean);
  /**
   * Task state after the call: "queued" (will retry), "failed", "dead" or "cancelled".
   */
  'state'?: (string);
}

/**
 * Fail's answer.
 */
export interface FailResponse__Output {
  /**
   * True when this call changed the task; false when it was already settled or the lease was stale.
   */
  'recorded': (boolean);
  /**
   * Task state after the call: "queued" (will retry), "failed", "dead" or "cancelled".
   */
  'state': (string);
}
