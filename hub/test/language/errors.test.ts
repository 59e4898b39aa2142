import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { compileGrammar, parseTemplate, TemplateError } from '../../src/language/index.js';

describe('the language part owns its template error (no import of stt/)', () => {
  it('a malformed template is a TemplateError: input fault, the documented code, the place in the text', () => {
    let err: unknown;
    try {
      parseTemplate('turn (on|off');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect(err).toBeInstanceOf(InputError);
    expect((err as TemplateError).code).toBe('JARVIS_STT_BAD_GRAMMAR');
    expect((err as TemplateError).fault).toBe('input');
    expect((err as Error).message).toBe(`JARVIS_STT_BAD_GRAMMAR: missing ')' at character 12 of "turn (on|off"`);
  });

  it('an unknown expansion rule and a grammar with no sentence are TemplateErrors too', () => {
    expect(() => compileGrammar({ templates: [{ sentences: ['<nope> x'] }], rules: {}, slots: {} })).toThrow(TemplateError);
    expect(() => compileGrammar({ templates: [{ sentences: ['add {item}'] }], rules: {}, slots: {} })).toThrow(TemplateError);
  });
});
