/** The `homeAssistant` config section is defined with every other section in config/ (the config imports no part). */
export { homeAssistantSection, type HomeAssistantConfig } from '../config/index.js';
