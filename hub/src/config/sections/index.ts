import { homeAssistantSection } from './home-assistant.js';
import { apiSection, grpcSection, httpSection, ingestSection, mqttSection, udpSection } from './core.js';
import { observerSection, routerSection, timeSection } from './parts.js';
import { audioSection, llmSection, sttSection } from './voice.js';
import { wyomingSection } from './wyoming.js';

/**
 * Every config section by its key in `jarvis.yaml`. A part of the hub adds its own section by putting
 * a `z.strictObject({...}).prefault({})` in `sections/<part>.ts` and one entry here; its env variables
 * (`JARVIS_<SECTION>_<KEY>`) follow from the schema.
 */
export const sections = {
  http: httpSection,
  udp: udpSection,
  mqtt: mqttSection,
  grpc: grpcSection,
  ingest: ingestSection,
  api: apiSection,
  time: timeSection,
  homeAssistant: homeAssistantSection,
  router: routerSection,
  observer: observerSection,
  audio: audioSection,
  stt: sttSection,
  llm: llmSection,
  wyoming: wyomingSection,
};
