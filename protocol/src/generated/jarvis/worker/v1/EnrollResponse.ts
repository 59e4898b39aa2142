// Original file: proto/jarvis/worker/v1/worker.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Enroll's answer: the worker's identity and certificates.
 */
export interface EnrollResponse {
  /**
   * Worker id assigned by the hub; also the common name of the client certificate.
   */
  'workerId'?: (string);
  /**
   * The client certificate followed by the CA certificate, PEM.
   */
  'certificateChainPem'?: (string);
  /**
   * The hub's CA certificate, PEM: the only root the worker trusts for the hub from now on.
   */
  'caCertificatePem'?: (string);
  /**
   * Labels attached through the token (`--label key=value`).
   */
  'labels'?: ({[key: string]: string});
  /**
   * Expiry of the client certificate, milliseconds since the Unix epoch.
   */
  'certificateNotAfterMs'?: (number | string | Long);
}

/**
 * Enroll's answer: the worker's identity and certificates.
 */
export interface EnrollResponse__Output {
  /**
   * Worker id assigned by the hub; also the common name of the client certificate.
   */
  'workerId': (string);
  /**
   * The client certificate followed by the CA certificate, PEM.
   */
  'certificateChainPem': (string);
  /**
   * The hub's CA certificate, PEM: the only root the worker trusts for the hub from now on.
   */
  'caCertificatePem': (string);
  /**
   * Labels attached through the token (`--label key=value`).
   */
  'labels': ({[key: string]: string});
  /**
   * Expiry of the client certificate, milliseconds since the Unix epoch.
   */
  'certificateNotAfterMs': (number);
}
