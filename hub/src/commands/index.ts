/** Commands in words (API and voice), the passive-transcript bus and the services the hub's parts share. */
export { CommandService, forgetMinutes, MAX_COMMAND_CHARS, type CommandOrigin, type CommandOutcome, type CommandInterceptor, type CommandServiceDeps } from './command-service.js';
export { CommandError, COMMAND_ERROR_CODES, type CommandErrorCode } from './errors.js';
export { TranscriptBus, type TranscriptSegment } from './transcripts.js';
export { hubServices, handleCommandText, type HubServices } from './services.js';
export { commandRoutes, commandJson } from './routes.js';
export { commandsPart } from './part.js';
