export { configSchema, LOG_LEVELS, type JarvisConfig } from './schema.js';
export { DEFAULT_WHISPER_MODEL } from './sections/voice.js';
export {
  loadConfig,
  resolveDataDir,
  configFlagOptions,
  CONFIG_FLAGS_HELP,
  CONFIG_FILE_NAME,
  type ConfigFlags,
  type LoadConfigInput,
} from './load.js';
export { ConfigError, CONFIG_ERROR_CODES, type ConfigErrorCode } from './errors.js';
export { envBindings, type EnvBinding } from './env.js';
export { homeAssistantSection, allowlistConfigSchema, type HomeAssistantConfig, type AllowlistConfig } from './sections/home-assistant.js';
export { WYOMING_DEFAULT_PORT, wyomingServerPort, type WyomingConfig } from './sections/wyoming.js';
