/**
 * Typed Wyoming events ([WY-2.x]): each builder writes the members the reference's `event()` writes
 * (nulls kept where it keeps them, unset members left out where it leaves them out), and each reader
 * accepts what the builder wrote and refuses wrong types with JARVIS_PROTO_BAD_FIELD.
 */
import { describe, expect, it } from 'vitest';
import {
  audioStopEvent,
  decodeWyomingEvents,
  detectionEvent,
  encodeWyomingEvent,
  errorEvent,
  handledEvent,
  notHandledEvent,
  parseDetection,
  parseError,
  parseHandled,
  parsePingText,
  parseRunPipeline,
  parseSynthesize,
  parseTranscribe,
  parseTranscript,
  pingEvent,
  pongEvent,
  runPipelineEvent,
  synthesizeEvent,
  transcribeEvent,
  transcriptEvent,
  transcriptStartEvent,
  voiceStartedEvent,
  voiceStoppedEvent,
  type WyomingEvent,
} from '../src/index.js';
import { codeOf } from './helpers.js';

/** Through the wire and back, as a receiver sees it. */
const wire = (e: WyomingEvent): WyomingEvent => decodeWyomingEvents(encodeWyomingEvent(e))[0] as WyomingEvent;

describe('[WY-2.3] builders write the reference\'s members', () => {
  it('null members kept, unset optional members left out', () => {
    expect(wire(detectionEvent('hey_jarvis')).data).toEqual({ name: 'hey_jarvis', timestamp: null, speaker: null });
    expect(wire(pingEvent()).data).toEqual({ text: null });
    expect(wire(pongEvent('x')).data).toEqual({ text: 'x' });
    expect(wire(audioStopEvent()).data).toEqual({ timestamp: null });
    expect(wire(voiceStartedEvent(120)).data).toEqual({ timestamp: 120 });
    expect(wire(voiceStoppedEvent()).data).toEqual({ timestamp: null });
    expect(wire(transcriptEvent('hi')).data).toEqual({ text: 'hi' });
    expect(wire(transcribeEvent()).data).toEqual({});
    expect(wire(transcriptStartEvent()).data).toEqual({});
    expect(wire(handledEvent()).data).toEqual({});
    expect(wire(notHandledEvent('no', { a: 1 })).data).toEqual({ text: 'no', context: { a: 1 } });
    expect(wire(errorEvent('bad')).data).toEqual({ text: 'bad' });
    expect(wire(synthesizeEvent('hello')).data).toEqual({ text: 'hello' });
    expect(wire(synthesizeEvent('hello', { name: 'amy' })).data).toEqual({ text: 'hello', voice: { name: 'amy' } });
    expect(wire(runPipelineEvent({ startStage: 'asr', endStage: 'handle', restartOnEnd: false, wakeWordName: 'hey_jarvis', wakeWordNames: [] })).data).toEqual({ start_stage: 'asr', end_stage: 'handle', restart_on_end: false, wake_word_name: 'hey_jarvis' });
  });
});

describe('[WY-2.4] readers', () => {
  it('read back what the builders write', () => {
    expect(parseTranscribe(wire(transcribeEvent({ name: 'm', language: 'en', context: { c: 1 } })))).toEqual({ name: 'm', language: 'en', context: { c: 1 } });
    expect(parseTranscript(wire(transcriptEvent('t', { language: 'de', context: { device_id: 'd' } })))).toEqual({ text: 't', language: 'de', context: { device_id: 'd' } });
    expect(parseDetection(wire(detectionEvent('n', 5)))).toEqual({ name: 'n', timestamp: 5 });
    expect(parseDetection(wire(detectionEvent(null)))).toEqual({});
    expect(parseHandled(wire(handledEvent('ok', { k: 'v' })))).toEqual({ text: 'ok', context: { k: 'v' } });
    expect(parseError(wire(errorEvent('e', 'C')))).toEqual({ text: 'e', code: 'C' });
    expect(parsePingText(wire(pingEvent('p')))).toBe('p');
    expect(parsePingText(wire(pingEvent()))).toBeNull();
    expect(parseSynthesize(wire(synthesizeEvent('s')))).toEqual({ text: 's' });
    expect(parseRunPipeline(wire(runPipelineEvent({ startStage: 'wake', endStage: 'tts', restartOnEnd: true, wakeWordNames: ['a'], announceText: 'x' })))).toEqual({ startStage: 'wake', endStage: 'tts', restartOnEnd: true, wakeWordNames: ['a'], announceText: 'x' });
    // The reference allows an asr run to end at identity.
    expect(parseRunPipeline({ type: 'run-pipeline', data: { start_stage: 'asr', end_stage: 'identity' } }).endStage).toBe('identity');
  });

  it('refuse wrong member types with JARVIS_PROTO_BAD_FIELD', () => {
    const bad = (type: string, data: Record<string, unknown>): WyomingEvent => ({ type, data });
    expect(codeOf(() => parseTranscribe(bad('transcribe', { language: 5 })))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseTranscribe(bad('transcribe', { context: [1] })))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseTranscript(bad('transcript', { text: 'x', context: 'c' })))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseDetection(bad('detection', { timestamp: 'soon' })))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseError(bad('error', { code: 'C' })))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseSynthesize(bad('synthesize', {})))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseRunPipeline(bad('run-pipeline', { start_stage: 'wake', end_stage: 'tts', restart_on_end: 'yes' })))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseRunPipeline(bad('run-pipeline', { start_stage: 'wake', end_stage: 'tts', wake_word_names: [1] })))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => parseHandled(bad('handled', { text: 1 })))).toBe('JARVIS_PROTO_BAD_FIELD');
  });
});
