/**
 * The voice trace. It is defined in core/voice-trace.ts, where router/ reaches it without importing voice/;
 * voice/ keeps this name for it.
 */
export { withVoiceTrace, currentVoiceTrace, type VoiceTrace, type TracedCall } from '../core/index.js';
