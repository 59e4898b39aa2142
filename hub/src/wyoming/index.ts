/** The Wyoming part: the server Home Assistant's pipelines talk to, satellites, their CLI, routes and metrics. */
export { WyomingPart, type WyomingPartOptions, type SatelliteStatus } from './component.js';
export { WyomingError, WYOMING_ERROR_CODES, type WyomingErrorCode } from './errors.js';
export { speechSttBackend, enrolledWakeBackend } from './hub-backends.js';
export { registerWyomingMetrics } from './metrics.js';
export { wyomingRoutes } from './routes.js';
export { satelliteCommands } from './cli.js';
