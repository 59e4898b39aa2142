import type { CliIO } from '../../src/cli-types.js';
import { captureIO as capture } from '../../../tests/helpers/capture-io.js';

/** In-memory CLI streams with their text so far (the shared harness, with the bridge's abort signal). */
export function captureIO(signal?: AbortSignal): CliIO & { out: () => string; err: () => string } {
  return capture({}, {}, { signal });
}
