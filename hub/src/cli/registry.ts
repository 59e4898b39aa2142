import { deviceCommands } from './device.js';
import { hubCommand } from './hub.js';
import type { CliCommand } from './types.js';
import { modelsCommands } from '../stt/models/cli.js';
import { transcribeCommand } from '../stt/cli.js';
import { haCommands } from '../home-assistant/cli.js';
import { routeCommand } from '../router/cli.js';
import { taskCommands } from '../tasks/cli.js';
import { observeCommand } from '../observer/cli.js';
import { mqttCommands } from '../mqtt/cli.js';
import { satelliteCommands } from '../wyoming/cli.js';

/**
 * Every `jarvis` sub-command. Each part of the hub keeps its commands beside its code
 * (`hub/src/<part>/cli.ts` or `hub/src/cli/<name>.ts`) and adds them here: one import, one spread.
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
