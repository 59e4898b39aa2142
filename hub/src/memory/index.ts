/** The memory part: facts people tell Jarvis, scoped to a person or the household, retrieved by meaning. */
export { MemoryService, type Fact, type SupersededWording, type MemoryOrigin, type RecallHit, type MemoryServiceOptions } from './memory-service.js';
export { MemoryComponent, type MemoryComponentOptions } from './component.js';
export { memoryCommand } from './memory-command.js';
export { parseMemoryCommand, speakBack, applyCorrection, isCorrection, type MemoryCommand } from './parse.js';
export { MemoryError, MEMORY_ERROR_CODES, type MemoryErrorCode } from './errors.js';
