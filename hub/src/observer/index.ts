/** The observer part: rolling transcript buffer, to-do extraction, de-duplication, the to-do API. */
export { ObserverComponent, type ObserverComponentOptions, type Unsubscribe } from './component.js';
export { Observer, TODO_LLM_SCHEMA, type ObserverOptions, type TodoLlm, type ObserverStats } from './observer.js';
export { RollingBuffer, DEFAULT_WINDOW_MS, DEFAULT_MUTE_TAIL_MS, TRANSCRIPT_REFUSALS, type TranscriptSegment, type RollingBufferOptions, type TranscriptRefusal, type TranscriptVerdict } from './rolling-buffer.js';
export { TodoService, noticeFor, MAX_TODO_TEXT, type Notify, type TodoServiceOptions } from './todo-service.js';
export { HaTodoSync, syncMarker, type HaTodoGateway, type HaServiceCaller, type HaTodoLister, type HaTodoItem } from './ha-sync.js';
export { analyseUtterance, type Finding, type ExtractedTodo, type Utterance, type ExtractOptions } from './extract.js';
export { findDueDate, type DueDate } from './due-date.js';
export { HashedNgramEmbedder, type TextEmbedder } from './embedding.js';
export { observeCommand } from './cli.js';
export { ObserverError, OBSERVER_ERROR_CODES, type ObserverErrorCode } from './errors.js';
