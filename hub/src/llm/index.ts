/** The shared local-LLM runtime (node-llama-cpp, loaded on first use). Tier 1 lives in router/, the to-do reviewer in observer/. */
export { LlmRuntime, schemaProblem, type LlmRuntimeOptions, type LlmStatus, type GenerateRequest, type GenerateResult } from './runtime.js';
export { LLM_ERROR_CODES, LlmError, isLlmError, type LlmErrorCode } from './errors.js';
export { llmModelPath, DEFAULT_LLM_MODEL } from './model-path.js';
