export type { Component } from './core/component.js';
export { openDatabase, migrate, type Db } from './store/database.js';
export type { DeviceAudioChunk, MuteTransition, MuteSource } from './audio/types.js';
