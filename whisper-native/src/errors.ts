/** Every code @jarvis/whisper raises, with what it means (documented again in whisper-native/README.md). */
export const WHISPER_ERROR_CODES = {
  JARVIS_WHISPER_NATIVE_MISSING: 'the whisper addon is not built or does not load; `npm rebuild -w @jarvis/whisper` builds it',
  JARVIS_WHISPER_MODEL_MISSING: 'the ggml model file does not exist',
  JARVIS_WHISPER_MODEL_BAD: 'the model file is not a usable ggml whisper (or Silero VAD) model: the message says what is wrong and at which byte',
  JARVIS_WHISPER_BAD_AUDIO: 'the audio is not a non-empty Float32Array of finite 16 kHz mono samples',
  JARVIS_WHISPER_BAD_PARAMS: 'a transcription parameter has the wrong type or range',
  JARVIS_WHISPER_BAD_GRAMMAR: 'the GBNF grammar does not parse (the message gives line:column) or lacks its start rule',
  JARVIS_WHISPER_CANCELLED: 'the pass was cancelled through its AbortSignal before it finished',
  JARVIS_WHISPER_FREED: 'the model was used after free()',
  JARVIS_WHISPER_DECODE_FAILED: 'whisper.cpp failed on the audio',
} as const;

/** A stable @jarvis/whisper error code. */
export type WhisperErrorCode = keyof typeof WHISPER_ERROR_CODES;

/** An error of the whisper wrapper with a stable code; the message says what and where. */
export class WhisperError extends Error {
  override readonly name = 'WhisperError';
  constructor(
    readonly code: WhisperErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}
