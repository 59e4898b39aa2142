// Original file: proto/jarvis/worker/v1/worker.proto


/**
 * Complete's answer.
 */
export interface CompleteResponse {
  /**
   * True when this call recorded the result; false when the task was already settled (nothing changed).
   */
  'recorded'?: (boolean);
  /**
   * Task state after the call: "succeeded", "failed", "dead" or "cancelled".
   */
  'state'?: (string);
}

/**
 * Complete's answer.
 */
export interface CompleteResponse__Output {
  /**
   * True when this call recorded the result; false when the task was already settled (nothing changed).
   */
  'recorded': (boolean);
  /**
   * Task state after the call: "succeeded", "failed", "dead" or "cancelled".
   */
  'state': (string);
}
