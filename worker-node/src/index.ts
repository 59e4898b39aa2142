export { WorkerAgent, backoffDelay, type AgentState, type WorkerAgentOptions } from './agent.js';
export { enroll, fetchHubCa, parseHubAddress, type EnrollOptions } from './enroll.js';
export { builtinHandlers, echoHandler, sleepHandler, loadPlugin, type TaskHandler, type TaskContext, type HandlerPlugin, type BuiltinHandlerOptions } from './handlers.js';
export { createSttTranscribeHandler, sttTranscribePayloadSchema, type SttTranscribeResult, type SttTranscribeOptions, type SttProgress, type SttSegment } from './handlers/stt-transcribe.js';
export { detectCapabilities, detectGpus, parseNvidiaSmi, listModels, WORKER_VERSION } from './capabilities.js';
export { loadIdentity, saveIdentity, resolveStateDir, type WorkerIdentity } from './state.js';
export { createWorkerClient, hubCredentials, call, isTransient, errorCode } from './client.js';
export { WorkerError, WORKER_ERROR_CODES, type WorkerErrorCode } from './errors.js';
export { runWorkerCli, WORKER_HELP, type WorkerCliIO } from './cli-main.js';
