export { HaConversationFallback, type ConversationFallbackOptions, type ConversationClient, type FallbackRefusal } from './conversation-agent.js';
export { HomeAssistantClient, parseConversationResult, type ConversationRequest, type ConversationReply, type HaConnectionState, type HomeAssistantClientOptions, type ServiceCaller, type ServiceTarget, type ServiceCallResult, type CallServiceOptions, type TodoListItem } from './client.js';
export { HomeAssistantComponent } from './component.js';
export { homeAssistantSection, type HomeAssistantConfig } from './config.js';
export {
  DecisionExecutor,
  type ExecutionResult,
  type ExecutorDeps,
  type ExecutionContext,
  type ExecutedCall,
  type ExecutorTimers,
  type ExecutorTimer,
  type ExecutorTimerQuery,
  type ColdTaskRequest,
  type ColdTaskSink,
} from './executor.js';
export { Allowlist, allowlistConfigSchema, isSensitive, type AllowlistConfig, type RefusalReason } from './allowlist.js';
export { HomeAssistantError, HOME_ASSISTANT_ERROR_CODES, type HomeAssistantErrorCode } from './errors.js';
export { registrySnapshotSchema, parseRegistrySnapshot, loadRegistrySnapshot, domainOf, type RegistrySnapshot, type SnapshotEntity, type SnapshotArea, type SnapshotFloor } from './registry-snapshot.js';
export { generateRegistry } from './registry-generator.js';
export { fetchRegistrySnapshot, fetchLiveRegistry, buildRegistrySnapshot } from './live-registry.js';
export { haCommands } from './cli.js';
