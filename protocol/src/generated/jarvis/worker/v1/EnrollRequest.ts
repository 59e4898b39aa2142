// Original file: proto/jarvis/worker/v1/worker.proto

import type { Capabilities as _jarvis_worker_v1_Capabilities, Capabilities__Output as _jarvis_worker_v1_Capabilities__Output } from '../../../jarvis/worker/v1/Capabilities.js';

/**
 * Enroll: a one-time join token and a locally generated key's CSR.
 */
export interface EnrollRequest {
  /**
   * The join token printed by `jarvis token create` (it also pins the hub's CA fingerprint).
   */
  'token'?: (string);
  /**
   * PKCS#10 certificate signing request, PEM; the private key never leaves the worker.
   */
  'csrPem'?: (string);
  /**
   * Human-readable worker name; defaults to the host name when empty.
   */
  'name'?: (string);
  /**
   * Capabilities at enrollment time (refreshed on every Pull).
   */
  'capabilities'?: (_jarvis_worker_v1_Capabilities | null);
}

/**
 * Enroll: a one-time join token and a locally generated key's CSR.
 */
export interface EnrollRequest__Output {
  /**
   * The join token printed by `jarvis token create` (it also pins the hub's CA fingerprint).
   */
  'token': (string);
  /**
   * PKCS#10 certificate signing request, PEM; the private key never leaves the worker.
   */
  'csrPem': (string);
  /**
   * Human-readable worker name; defaults to the host name when empty.
   */
  'name': (string);
  /**
   * Capabilities at enrollment time (refreshed on every Pull).
   */
  'capabilities': (_jarvis_worker_v1_Capabilities__Output | null);
}
