/**
 * The file in the data dir where a running hub records its pid and the ports it actually listens on, so the CLI
 * can build device bundles and ask the running hub. A leaf: what reads it (the CLI, the dashboard's backend)
 * imports nothing of the parts for it.
 */

/** File in the data dir where a running hub records its ports, so the CLI can build bundles. */
export const RUNTIME_FILE = 'hub-runtime.json';

/** Ports the hub actually listens on (after port 0 was resolved). */
export interface HubPorts {
  http: number;
  udp: number;
  /** Embedded broker port; undefined with an external broker. */
  mqtt: number | undefined;
  /** Worker gRPC port; undefined when the tasks part is not running. */
  grpc: number | undefined;
  /** Wyoming server port; undefined while the Wyoming server is off (the default). */
  wyoming: number | undefined;
}
