/** Error codes of @jarvis/wearable; every one is documented in `ERROR_CODES` below. */
export type WearableErrorCode =
  | 'JARVIS_WEARABLE_BAD_WAV'
  | 'JARVIS_WEARABLE_BAD_BUNDLE'
  | 'JARVIS_WEARABLE_BAD_OPTION'
  | 'JARVIS_WEARABLE_MQTT'
  | 'JARVIS_WEARABLE_UDP'
  | 'JARVIS_WEARABLE_BAD_STATE'
  | 'JARVIS_WEARABLE_PROVISION';

/** What each code means, for `--help` texts and the documentation test. */
export const ERROR_CODES: Record<WearableErrorCode, string> = {
  JARVIS_WEARABLE_BAD_WAV: 'the WAV file is missing, not RIFF/WAVE PCM16, or uses an unsupported sample rate',
  JARVIS_WEARABLE_BAD_BUNDLE: 'the provisioning bundle is missing, not JSON, or fails deviceBundleSchema',
  JARVIS_WEARABLE_BAD_OPTION: 'a command-line flag is unknown, lacks its value, is not a number / an integer / one of its choices, or is required and absent, or a positional argument was given (src/cli-flags.ts, exit 2); or a simulator option has an invalid value',
  JARVIS_WEARABLE_MQTT: 'the MQTT broker refused or dropped the connection',
  JARVIS_WEARABLE_UDP: 'the UDP socket could not send to the hub address',
  JARVIS_WEARABLE_BAD_STATE: 'the boot counter state file is unreadable, malformed or cannot be written, or the counter is exhausted (rotate the key)',
  JARVIS_WEARABLE_PROVISION: 'the serial port cannot be opened, the device does not answer in time, or it refused the Wi-Fi settings or the bundle',
};

/** An error the user can fix (bad file, bad flag, unreachable broker); the CLI prints it and exits non-zero. */
export class WearableError extends Error {
  /** Stable code, e.g. `JARVIS_WEARABLE_BAD_WAV`. */
  readonly code: WearableErrorCode;

  constructor(code: WearableErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WearableError';
    this.code = code;
  }
}
