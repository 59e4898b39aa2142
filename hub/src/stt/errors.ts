import { CodedError, type ErrorFault } from '../core/index.js';

/** Stable codes of speech-to-text and model errors (CONVENTIONS.md 7); each is documented in {@link STT_ERROR_CODES}. */
export const STT_ERROR_CODES = {
  JARVIS_STT_BAD_AUDIO: 'the audio is not mono float PCM at 16 kHz, or holds NaN/Infinity',
  JARVIS_STT_BAD_WAV: 'a WAV file is truncated, not RIFF/WAVE, or not 16-bit PCM',
  JARVIS_STT_BAD_ARGUMENT: 'a native call got arguments of the wrong type',
  JARVIS_STT_NATIVE_MISSING: 'a native addon is not built; `npm rebuild -w hub` (PocketSphinx) or `npm rebuild -w @jarvis/whisper` builds it',
  JARVIS_STT_MODEL_MISSING: 'a model file is absent; the message names the `jarvis models pull` command',
  JARVIS_STT_ENGINE_INIT: 'the engine could not load its model',
  JARVIS_STT_ENGINE_CLOSED: 'the engine was used before start() or after stop()',
  JARVIS_STT_DECODE_FAILED: 'the native decoder failed on an utterance',
  JARVIS_STT_NO_SEARCH: 'the grammar recogniser has no compiled grammar yet',
  JARVIS_STT_BAD_GRAMMAR: 'a command template or name could not be compiled into a grammar',
  JARVIS_STT_BAD_PRONUNCIATION: 'a pronunciation was rejected by the recogniser',
  JARVIS_STT_QUEUE_FULL: 'passive transcription dropped a segment because its backlog was full',
  JARVIS_STT_CANCELLED: 'the job was cancelled because the scheduler stopped',
  JARVIS_STT_BAD_REGISTRY: 'a registry snapshot file does not parse or validate',
  JARVIS_STT_NO_UTTERANCE: 'audio was fed to, or an end asked of, a streamed utterance that was never started or has ended',
  JARVIS_STT_UTTERANCE_OPEN: 'a decoder was asked to start, decode or change grammars while a streamed utterance is open on it',
  JARVIS_STT_DECODER_BUSY: 'a native decoder call came while another of the same decoder was still running (calls must wait for each other)',
  JARVIS_MODEL_UNKNOWN: 'no catalogue entry has that name',
  JARVIS_MODEL_BAD_CATALOGUE: 'the file in $JARVIS_MODEL_CATALOGUE does not parse or validate',
  JARVIS_MODEL_NOT_PRESENT: 'the model is not in the models directory; `jarvis models pull NAME` fetches it',
  JARVIS_MODEL_HASH_MISMATCH: 'a downloaded file does not have the catalogue SHA-256; it was discarded',
  JARVIS_MODEL_SIZE_MISMATCH: 'a download ended at a size other than the catalogue size',
  JARVIS_MODEL_HTTP: 'the model server answered with an HTTP error',
  JARVIS_MODEL_NETWORK: 'the download was interrupted; running the command again resumes it',
  JARVIS_MODEL_BAD_ARCHIVE: 'a model archive (an npm tarball) is not gzip/tar, is truncated, or lacks a file the catalogue names',
} as const;

/** One of the stable error codes of the stt and models parts. */
export type SttErrorCode = keyof typeof STT_ERROR_CODES;

/** Whose fault each code is (core/errors.ts). */
const STT_ERROR_FAULTS: Record<SttErrorCode, ErrorFault> = {
  JARVIS_STT_BAD_AUDIO: 'input',
  JARVIS_STT_BAD_WAV: 'input',
  JARVIS_STT_BAD_ARGUMENT: 'internal',
  JARVIS_STT_NATIVE_MISSING: 'upstream',
  JARVIS_STT_MODEL_MISSING: 'config',
  JARVIS_STT_ENGINE_INIT: 'upstream',
  JARVIS_STT_ENGINE_CLOSED: 'internal',
  JARVIS_STT_DECODE_FAILED: 'upstream',
  JARVIS_STT_NO_SEARCH: 'internal',
  JARVIS_STT_BAD_GRAMMAR: 'input',
  JARVIS_STT_BAD_PRONUNCIATION: 'input',
  JARVIS_STT_QUEUE_FULL: 'upstream',
  JARVIS_STT_CANCELLED: 'internal',
  JARVIS_STT_BAD_REGISTRY: 'input',
  JARVIS_STT_NO_UTTERANCE: 'internal',
  JARVIS_STT_UTTERANCE_OPEN: 'internal',
  JARVIS_STT_DECODER_BUSY: 'internal',
  JARVIS_MODEL_UNKNOWN: 'input',
  JARVIS_MODEL_BAD_CATALOGUE: 'config',
  JARVIS_MODEL_NOT_PRESENT: 'config',
  JARVIS_MODEL_HASH_MISMATCH: 'upstream',
  JARVIS_MODEL_SIZE_MISMATCH: 'upstream',
  JARVIS_MODEL_HTTP: 'upstream',
  JARVIS_MODEL_NETWORK: 'upstream',
  JARVIS_MODEL_BAD_ARCHIVE: 'upstream',
};

/** An error of the speech-to-text part with a stable code; the message says what and where. */
export class SttError extends CodedError<SttErrorCode> {
  readonly fault: ErrorFault;
  constructor(code: SttErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `${code}: ${message}`, options);
    this.name = 'SttError';
    this.fault = STT_ERROR_FAULTS[code];
  }
}

const isSttCode = (code: unknown): code is SttErrorCode => typeof code === 'string' && Object.hasOwn(STT_ERROR_CODES, code);

/**
 * Re-labels an error thrown by a native addon as an {@link SttError}. The PocketSphinx addon sets its stable code
 * as `err.code` (and keeps it in front of the message for logs: "JARVIS_STT_…: what", which is not repeated).
 * An addon built before it set `code` only has the message; the code is read from there as a fallback, and an
 * error without a known code gets `fallback`.
 */
export function fromNativeError(err: unknown, fallback: SttErrorCode): SttError {
  if (err instanceof SttError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  if (isSttCode(code)) return new SttError(code, message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message, { cause: err });
  const m = /^(JARVIS_STT_[A-Z_]+): (.*)$/s.exec(message);
  if (m && isSttCode(m[1])) return new SttError(m[1], m[2]!, { cause: err });
  return new SttError(fallback, message, { cause: err });
}
