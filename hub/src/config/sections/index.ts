import { apiSection, grpcSection, httpSection, ingestSection, mqttSection, udpSection } from './core.js';

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
};
