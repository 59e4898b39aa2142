/** What other parts use of api/: the route type they hand to the server, the server, and the coded API error. */
export { ApiServer, MAX_JSON_DEPTH, jsonDepth, type ApiRoutes, type ApiServerOptions, type MetricsAccess } from './server.js';
export { ApiError, API_ERROR_CODES, type ApiErrorCode } from './errors.js';
