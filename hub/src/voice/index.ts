/**
 * The voice run: audio front end → speech-to-text → commands (routed, executed, answered) or passive
 * transcripts, with typed stage events, traces and run records.
 */
export { VoicePipeline, commandAudioSource, type CommandAudioSource, type VoicePipelineOptions, type VoicePipelineStatus, type SpeechLike, type PipelineDeviceEvent } from './voice-pipeline.js';
export { homeNames, type HomeNames } from './home-names.js';
export { VoiceError, VOICE_ERROR_CODES, type VoiceErrorCode } from './errors.js';
export { CommandService, forgetMinutes, MAX_COMMAND_CHARS, type CommandOrigin, type CommandOutcome, type CommandInterceptor, type CommandServiceDeps } from './command-service.js';
export { CommandError, COMMAND_ERROR_CODES, type CommandErrorCode } from './command-errors.js';
export { TranscriptBus, type TranscriptSegment } from './transcripts.js';
export { VoiceRunStore, type RunRecord } from './run-store.js';
export type { VoiceEvent, VoiceEventSink } from './events.js';
export { ACT_ON_ACCEPTED_BARS, DEFAULT_HEARING_BARS, hear, hearingCheck, judgeHearing, riskOf, type Hearing, type HearingBand, type HearingBars, type HearingCheck, type HearingDecision, type HearingVerdict } from './hearing-policy.js';
