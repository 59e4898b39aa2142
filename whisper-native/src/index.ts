/** @jarvis/whisper: the fast whisper.cpp build and a typed wrapper, shared by the hub and the worker. */
export { WHISPER_ERROR_CODES, WhisperError, type WhisperErrorCode } from './errors.js';
export { loadWhisperAddon, whisperAddonPath, type NativeModel, type NativeSegment, type WhisperAddon } from './addon.js';
export {
  WHISPER_FULL_AUDIO_CTX, WHISPER_SAMPLE_RATE, WHISPER_WINDOW_SECONDS, WhisperModel,
  type WhisperParams, type WhisperPassOptions, type WhisperSegment,
} from './model.js';
