/** Error codes of `jarvis-edge`; every one is documented in `EDGE_ERROR_CODES` and in `jarvis-edge --help`. */
export type EdgeErrorCode =
  | 'JARVIS_EDGE_BAD_BUNDLE'
  | 'JARVIS_EDGE_BAD_CONFIG'
  | 'JARVIS_EDGE_BAD_OPTION'
  | 'JARVIS_EDGE_BAD_WAV'
  | 'JARVIS_EDGE_NO_ARECORD'
  | 'JARVIS_EDGE_CAPTURE'
  | 'JARVIS_EDGE_MQTT_UNREACHABLE'
  | 'JARVIS_EDGE_MQTT_AUTH'
  | 'JARVIS_EDGE_UDP'
  | 'JARVIS_EDGE_GPIO'
  | 'JARVIS_EDGE_SAY'
  | 'JARVIS_EDGE_STATE';

/** What each code means, for `--help` and the documentation test. */
export const EDGE_ERROR_CODES: Record<EdgeErrorCode, string> = {
  JARVIS_EDGE_BAD_BUNDLE: 'the provisioning bundle is missing, not JSON, or fails the bundle schema',
  JARVIS_EDGE_BAD_CONFIG: 'the YAML config file is missing, not YAML, or has invalid values (every problem is listed)',
  JARVIS_EDGE_BAD_OPTION: 'a command-line flag is unknown or has an invalid value',
  JARVIS_EDGE_BAD_WAV: 'the audio file of the file source is not a 16-bit PCM WAV at a protocol sample rate',
  JARVIS_EDGE_NO_ARECORD: 'the arecord program (Debian package alsa-utils) is not installed or not executable',
  JARVIS_EDGE_CAPTURE: 'the capture process failed (arecord exited, the ALSA device is busy or missing)',
  JARVIS_EDGE_MQTT_UNREACHABLE: 'the hub\'s MQTT broker cannot be reached (the agent keeps retrying with backoff)',
  JARVIS_EDGE_MQTT_AUTH: 'the broker refused the bundle\'s credentials (device removed or credentials rotated)',
  JARVIS_EDGE_UDP: 'the hub\'s UDP address cannot be resolved or sent to',
  JARVIS_EDGE_GPIO: 'a GPIO line cannot be read (gpiomon/gpioget missing, wrong chip or line)',
  JARVIS_EDGE_SAY: 'speaking a cmd/say failed (no speech engine, or the player failed)',
  JARVIS_EDGE_STATE: 'the boot counter in the state directory cannot be read or written, or is exhausted: fix the directory, or rotate the device key (jarvis device rotate-key)',
};

/** A problem the operator can fix (bad file, bad flag, missing program, refused login); the CLI prints it and exits non-zero. */
export class EdgeError extends Error {
  /** Stable code, e.g. `JARVIS_EDGE_BAD_BUNDLE`. */
  readonly code: EdgeErrorCode;

  constructor(code: EdgeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EdgeError';
    this.code = code;
  }
}

/** True when `err` is an `EdgeError`, optionally with the given code. */
export function isEdgeError(err: unknown, code?: EdgeErrorCode): err is EdgeError {
  return err instanceof EdgeError && (code === undefined || err.code === code);
}
