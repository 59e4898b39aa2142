import { InputError } from '../core/index.js';

/**
 * A command template or expansion rule that cannot be compiled (tier 0 and the speech grammar share the syntax).
 * The language part owns its error, so it needs nothing of stt/; the code stays the one users and ERRORS.md know
 * (`JARVIS_STT_BAD_GRAMMAR`), and the grammar engine re-labels it as its own `SttError`.
 */
export class TemplateError extends InputError<'JARVIS_STT_BAD_GRAMMAR'> {
  constructor(message: string) {
    super('JARVIS_STT_BAD_GRAMMAR', `JARVIS_STT_BAD_GRAMMAR: ${message}`);
    this.name = 'TemplateError';
  }
}
