/** What other parts use of core/: the coded error base, components and the lifecycle, the logger, secrets, host, CIDR and password helpers, the hub's runtime file, the voice run's events and its trace. */
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
export { RUNTIME_FILE, type HubPorts } from './runtime-file.js';
export { LOOPBACK_CIDRS, normaliseAddress, parseCidr, cidrProblems, type Cidr } from './cidr.js';
export { mosquittoPasswordHash, verifyMosquittoPassword } from './mosquitto-hash.js';
export { VOICE_EVENT_TYPES, VoiceRun, newRunId, type VoiceEventType, type RunEndReason, type VoiceEvent, type VoiceEventSink } from './run-events.js';
export { withVoiceTrace, currentVoiceTrace, type VoiceTrace, type TracedCall } from './voice-trace.js';
export { serveThread, startThread, ThreadCalls, type ThreadCall, type ThreadCallsOptions, type ThreadFailure } from './thread.js';
