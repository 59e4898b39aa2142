/** The voice pipeline part: audio front end → speech-to-text → commands / passive transcripts, with voice runs. */
export { VoicePipeline, type VoicePipelineOptions, type VoicePipelineStatus, type SpeechLike, type PipelineDeviceEvent } from './voice-pipeline.js';
export { voicePart, voicePipelineOf, whisperModelFile } from './part.js';
export { voiceRoutes, runJson } from './routes.js';
export { VoiceError, VOICE_ERROR_CODES, type VoiceErrorCode } from './errors.js';
