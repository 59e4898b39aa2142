import { ConfigError as CoreConfigError } from '../core/index.js';

/** Stable codes of configuration errors (CONVENTIONS.md 7). */
export const CONFIG_ERROR_CODES = ['JARVIS_CONFIG_INVALID', 'JARVIS_CONFIG_BAD_FLAG', 'JARVIS_CONFIG_BAD_FILE'] as const;

/** One of {@link CONFIG_ERROR_CODES}. */
export type ConfigErrorCode = (typeof CONFIG_ERROR_CODES)[number];

/**
 * The user's configuration is wrong: every problem found is listed in `issues` as a `path: message`
 * line, so one run shows them all (CONVENTIONS.md 6). The CLI prints them and exits with code 2.
 */
export class ConfigError extends CoreConfigError<ConfigErrorCode> {
  readonly issues: readonly string[];

  constructor(code: ConfigErrorCode, issues: readonly string[]) {
    super(code, `invalid configuration (${code}):\n${issues.map((i) => `  ${i}`).join('\n')}`);
    this.issues = issues;
  }
}
