export * from './constants.js';
export * from './bundle.js';
export * from './worker-proto.js';
