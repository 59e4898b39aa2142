import { CodedError, type ErrorFault } from '../core/index.js';

/** Every error code of the Home Assistant part, with the one line that explains it (documented in hub/ERRORS.md). */
export const HOME_ASSISTANT_ERROR_CODES = {
  JARVIS_HA_BAD_SNAPSHOT: 'a registry snapshot file is not valid JSON or does not match the snapshot schema',
  JARVIS_HA_AUTH_INVALID: 'Home Assistant rejected the access token',
  JARVIS_HA_CANNOT_CONNECT: 'Home Assistant could not be reached',
  JARVIS_HA_CONNECTION_LOST: 'the connection dropped while a command was in flight; it was not retried',
  JARVIS_HA_STALE_COMMAND: 'a command waited longer than the stale limit for the connection and was dropped, never sent late',
  JARVIS_HA_NOT_CONNECTED: 'the client was stopped or never started',
  JARVIS_HA_NOT_EXPOSED: 'the entity is not exposed to Jarvis (or is a lock/alarm/door cover without opt-in)',
  JARVIS_HA_SERVICE_FAILED: 'Home Assistant answered a service call with an error',
  JARVIS_HA_BAD_ARGS: 'a `jarvis ha` command got an unknown flag or a bad value',
  JARVIS_HA_CONVERSATION_FAILED: "Home Assistant's conversation agent answered `conversation/process` with an error (unknown agent, bad request)",
  JARVIS_HA_BAD_RESPONSE: 'Home Assistant answered with a message of an unexpected shape',
} as const;

/** A stable, documented Home Assistant error code. */
export type HomeAssistantErrorCode = keyof typeof HOME_ASSISTANT_ERROR_CODES;

/** Whose fault each code is (core/errors.ts): most are Home Assistant's (upstream). */
const HOME_ASSISTANT_ERROR_FAULTS: Record<HomeAssistantErrorCode, ErrorFault> = {
  JARVIS_HA_BAD_SNAPSHOT: 'input',
  JARVIS_HA_AUTH_INVALID: 'config',
  JARVIS_HA_CANNOT_CONNECT: 'upstream',
  JARVIS_HA_CONNECTION_LOST: 'upstream',
  JARVIS_HA_STALE_COMMAND: 'upstream',
  JARVIS_HA_NOT_CONNECTED: 'internal',
  JARVIS_HA_NOT_EXPOSED: 'input',
  JARVIS_HA_SERVICE_FAILED: 'upstream',
  JARVIS_HA_BAD_ARGS: 'input',
  JARVIS_HA_CONVERSATION_FAILED: 'upstream',
  JARVIS_HA_BAD_RESPONSE: 'upstream',
};

/** An error of the Home Assistant part; `code` is stable, `message` says what and where. */
export class HomeAssistantError extends CodedError<HomeAssistantErrorCode> {
  override readonly name = 'HomeAssistantError';
  readonly fault: ErrorFault;
  constructor(
    code: HomeAssistantErrorCode,
    message: string,
    /** Home Assistant's own error code (`not_found`, `invalid_format`, ...) when it sent one. */
    readonly haCode?: string,
  ) {
    super(code, message);
    this.fault = HOME_ASSISTANT_ERROR_FAULTS[code];
  }
}
