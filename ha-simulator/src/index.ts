export { HomeAssistantSimulator, type HomeAssistantSimulatorOptions, type ReceivedServiceCall, type SimulatorLogger } from './ha-simulator.js';
export { runSimulate, readSnapshot, DEMO_REGISTRY, type SimulatorIO } from './cli.js';
export { SimulatorError, SIMULATOR_ERROR_CODES, type SimulatorErrorCode } from './errors.js';
export { DEFAULT_AGENT_IDS, type ReceivedConversation, type SimulatedSentence, type ConversationResultBody } from './conversation.js';
