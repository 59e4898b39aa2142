/** Codes of the simulator's own command line (documented in ha-simulator/ERRORS.md). */
export const SIMULATOR_ERROR_CODES = {
  JARVIS_HA_BAD_ARGS: 'a flag of jarvis-ha-sim is unknown or has a bad value',
  JARVIS_HA_PORT_IN_USE: 'the port to listen on is taken (a real Home Assistant or another simulator?); choose another with --port',
  JARVIS_HA_BAD_SNAPSHOT: 'the registry snapshot cannot be read or is not a valid snapshot',
} as const;

/** One code of {@link SIMULATOR_ERROR_CODES}. */
export type SimulatorErrorCode = keyof typeof SIMULATOR_ERROR_CODES;

/** The user's input to `jarvis-ha-sim` was wrong; `code` says how. */
export class SimulatorError extends Error {
  override readonly name = 'SimulatorError';
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
  ) {
    super(message);
  }
}
