/**
 * Voice run events (CONVENTIONS.md 9). The run and its typed events are defined in core/run-events.ts,
 * where audio/ (which opens runs and knows no intents) reaches them too; voice/ keeps this name for them.
 */
export { VOICE_EVENT_TYPES, VoiceRun, newRunId, type VoiceEventType, type RunEndReason, type VoiceEvent, type VoiceEventSink } from '../core/index.js';
