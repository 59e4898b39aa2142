export * from './constants.js';
export * from './bundle.js';
