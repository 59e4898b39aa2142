export { LlmRuntime, schemaProblem, type LlmRuntimeOptions, type LlmStatus, type GenerateRequest, type GenerateResult } from './runtime.js';
export { LLM_ERROR_CODES, LlmError, isLlmError, type LlmErrorCode } from './errors.js';
export {
  createTier1Router, candidatesFor, answerToDecision, tier1Schema, tier1Prompt, tier1AnswerSchema, TIER1_SYSTEM_PROMPT,
  type Tier1Router, type Tier1Options, type Tier1Candidate, type Tier1Answer,
} from '../router/tier1-llm.js';
export { createTodoLlm, TODO_REVIEW_SCHEMA, TODO_SYSTEM_PROMPT, type TodoLlmOptions } from '../observer/todo-llm.js';
export { llmModelPath, DEFAULT_LLM_MODEL } from './model-path.js';
