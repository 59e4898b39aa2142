import { deviceCommands } from './device.js';
import { hubCommand } from './hub.js';
import type { CliCommand } from './types.js';
import { modelsCommands, transcribeCommand } from '../stt/index.js';
import { haCommands } from '../home-assistant/index.js';
import { routeCommand } from '../router/index.js';
import { taskCommands } from '../tasks/index.js';
import { observeCommand } from '../observer/index.js';
import { mqttCommands } from '../mqtt/index.js';
import { satelliteCommands } from '../wyoming/index.js';

/**
 * Every `jarvis` sub-command. Each part of the hub keeps its commands beside its code
 * (`hub/src/<part>/cli.ts`, exported from the part's index.ts, or `hub/src/cli/<name>.ts`) and adds them here:
 * one import, one spread.
 */
export const commands: readonly CliCommand[] = [
  hubCommand,
  ...deviceCommands,
  ...mqttCommands,
  observeCommand,
  ...taskCommands,
  ...haCommands,
  routeCommand,
  ...modelsCommands,
  transcribeCommand,
  ...satelliteCommands,
];
