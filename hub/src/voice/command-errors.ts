import { InputError } from '../core/index.js';

/** Stable codes of the text-command and transcript API (HTTP status in brackets). */
export const COMMAND_ERROR_CODES = {
  /** [400] the body is not `{text, deviceId?, area?}` (or `{minutes, deviceId?}`, or a transcript segment). */
  JARVIS_COMMAND_BAD_REQUEST: 400,
  /** [404] `deviceId` names no provisioned device. */
  JARVIS_COMMAND_UNKNOWN_DEVICE: 404,
  /** [503] the part that would handle it (router, observer) is not running. */
  JARVIS_COMMAND_UNAVAILABLE: 503,
} as const;

/** One of {@link COMMAND_ERROR_CODES}. */
export type CommandErrorCode = keyof typeof COMMAND_ERROR_CODES;

/** A text command or transcript the hub cannot take; `statusCode` is what the API answers. */
export class CommandError extends InputError<CommandErrorCode> {
  readonly statusCode: number;

  constructor(code: CommandErrorCode, message: string) {
    super(code, message);
    this.statusCode = COMMAND_ERROR_CODES[code];
  }
}
