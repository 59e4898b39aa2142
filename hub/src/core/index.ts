/** What other parts use of core/: the coded error base (more of core is reached directly, see the boundary baseline). */
export {
  CodedError,
  ConfigError,
  InputError,
  InternalError,
  UpstreamError,
  INTERNAL_ERROR_CODES,
  isCodedError,
  type ErrorFault,
  type InternalErrorCode,
} from './errors.js';
export type { Component } from './component.js';
