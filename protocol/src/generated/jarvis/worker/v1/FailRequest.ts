// Original file: proto/jarvis/worker/v1/worker.proto


/**
 * Fail: the attempt did not produce a result.
 */
export interface FailRequest {
  /**
   * Task id.
   */
  'taskId'?: (string);
  /**
   * Lease id from LeasedTask.
   */
  'leaseId'?: (string);
  /**
   * What went wrong, for people.
   */
  'errorMessage'?: (string);
  /**
   * Stable UPPER_SNAKE code, e.g. "JARVIS_WORKER_HANDLER_ERROR".
   */
  'errorCode'?: (string);
  /**
   * True when another attempt may succeed; false fails the task at once.
   */
  'retryable'?: (boolean);
  /**
   * True when the handler stopped because the hub asked to cancel the task.
   */
  'cancelled'?: (boolean);
}

/**
 * Fail: the attempt did not produce a result.
 */
export interface FailRequest__Output {
  /**
   * Task id.
   */
  'taskId': (string);
  /**
   * Lease id from LeasedTask.
   */
  'leaseId': (string);
  /**
   * What went wrong, for people.
   */
  'errorMessage': (string);
  /**
   * Stable UPPER_SNAKE code, e.g. "JARVIS_WORKER_HANDLER_ERROR".
   */
  'errorCode': (string);
  /**
   * True when another attempt may succeed; false fails the task at once.
   */
  'retryable': (boolean);
  /**
   * True when the handler stopped because the hub asked to cancel the task.
   */
  'cancelled': (boolean);
}
