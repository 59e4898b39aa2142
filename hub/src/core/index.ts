/** What other parts use of core/: the coded error base, components and the lifecycle, the logger, secrets, host and password helpers. */
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
export { subscription, type Component } from './component.js';
export { Lifecycle } from './lifecycle.js';
export { createLogger, forFacility, silentLogger, REDACT_PATHS, type Logger, type LoggerOptions } from './logger.js';
export { hashSecret, verifySecret, randomSecret, SecretBox, loadOrCreateMasterKey, writePrivateFile } from './secrets.js';
export { defaultPublicHost } from './public-host.js';
export { mosquittoPasswordHash, verifyMosquittoPassword } from './mosquitto-hash.js';
