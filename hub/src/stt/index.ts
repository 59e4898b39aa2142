/** The speech-to-text part's public surface for the composition root and other parts. */
export type { EngineName, PartialTranscript, StreamOptions, SttEngine, Transcript, TranscribeOptions, TranscriptSegment, TranscriptStream, TranscriptTimings } from './engine.js';
export { STT_SAMPLE_RATE } from './engine.js';
export { STT_ERROR_CODES, SttError, type SttErrorCode } from './errors.js';
export { WhisperEngine, type WhisperEngineOptions } from './whisper-engine.js';
export { GrammarEngine, ROUTER_GRAMMAR_MARGINS, acceptsMargins, marginThreshold, type GrammarEngineOptions, type GrammarBuildReport, type GrammarMargins, type GrammarStreamStats } from './grammar/grammar-engine.js';
export { estimateSnrDb } from './audio.js';
export { compileGrammar, type GrammarSource } from '../language/index.js';
export { namesFromRegistry, type GrammarNames } from './grammar/slots.js';
export { SttScheduler, type SttSchedulerOptions, type SttSchedulerStats } from './scheduler.js';
export { raceCommand, type RaceResult } from './racer.js';
export { SpeechService, type SpeechServiceOptions, type GrammarCommandStream } from './speech-service.js';
export { decodeWav, encodeWav } from './wav.js';
export { transcribeCommand } from './cli.js';
export { modelsCommands } from './models/cli.js';
export { MODEL_CATALOGUE, modelEntrySchema, loadCatalogue, findModel, type ModelEntry } from './models/catalogue.js';
export { modelsDir, modelPath, modelStatus, verifyModel, removeModel, requireModel, sha256File, type ModelStatus } from './models/store.js';
export { pullModel, progressBar, type DownloadProgress, type PullOptions, type PullResult } from './models/download.js';
