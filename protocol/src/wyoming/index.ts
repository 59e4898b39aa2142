/** The Wyoming protocol (SPEC.md §9): framing, Python-compatible JSON and typed events. */
export * from './framing.js';
export * from './python-json.js';
export * from './events.js';
