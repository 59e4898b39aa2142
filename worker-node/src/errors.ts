/** Every code the worker agent raises, with what it means. */
export const WORKER_ERROR_CODES = {
  JARVIS_WORKER_BAD_ARGS: 'a command-line flag is missing or invalid',
  JARVIS_WORKER_BAD_TOKEN: 'the join token does not parse',
  JARVIS_WORKER_FINGERPRINT_MISMATCH: "the hub's CA certificate does not match the fingerprint in the token",
  JARVIS_WORKER_HUB_UNREACHABLE: 'no TLS connection to the hub could be made',
  JARVIS_WORKER_ENROLL_REFUSED: 'the hub refused the enrollment (token used, expired, revoked or forged)',
  JARVIS_WORKER_NOT_ENROLLED: 'the state directory holds no enrollment; run `jarvis-worker enroll` first',
  JARVIS_WORKER_BAD_STATE: 'the state directory is unreadable or corrupt',
  JARVIS_WORKER_NO_HANDLER: 'no handler for the task type',
  JARVIS_WORKER_HANDLER_ERROR: 'the handler threw',
  JARVIS_WORKER_BAD_PAYLOAD: 'the task payload is not what the handler needs',
  JARVIS_WORKER_BAD_PLUGIN: 'a plugin module does not export handlers',
  JARVIS_WORKER_MODEL_MISSING: 'the model a task needs is not in the worker\'s models directory (--models-dir)',
  JARVIS_WORKER_MODEL_BAD: 'the model file could not be loaded (not a GGUF, corrupt) or the LLM runtime has no binary here',
  JARVIS_WORKER_BAD_AUDIO: 'the recording is not a WAV the worker can read (not RIFF/WAVE, cut short, unsupported format), or too large',
  JARVIS_WORKER_AUDIO_NOT_FOUND: 'the recording named by audio.path does not exist in the worker\'s audio directory',
  JARVIS_WORKER_PATH_DENIED: 'audio.path points outside the worker\'s audio directory (--audio-dir), or the worker has none',
  JARVIS_WORKER_ENGINE_MISSING: 'the native engine a handler needs is not built on this worker (`npm rebuild -w @jarvis/whisper`)',
  JARVIS_WORKER_CANCELLED: 'the task was cancelled',
  JARVIS_WORKER_SHUTDOWN: 'the worker stopped before the task finished',
} as const;

/** A stable worker error code. */
export type WorkerErrorCode = keyof typeof WORKER_ERROR_CODES;

/** An error with a stable code; `retryable` tells the hub whether another attempt may succeed. */
export class WorkerError extends Error {
  override readonly name = 'WorkerError';
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}
