// Original file: proto/jarvis/worker/v1/worker.proto


/**
 * Complete: the task's result.
 */
export interface CompleteRequest {
  /**
   * Task id.
   */
  'taskId'?: (string);
  /**
   * Lease id from LeasedTask.
   */
  'leaseId'?: (string);
  /**
   * Result as JSON text.
   */
  'resultJson'?: (string);
}

/**
 * Complete: the task's result.
 */
export interface CompleteRequest__Output {
  /**
   * Task id.
   */
  'taskId': (string);
  /**
   * Lease id from LeasedTask.
   */
  'leaseId': (string);
  /**
   * Result as JSON text.
   */
  'resultJson': (string);
}
