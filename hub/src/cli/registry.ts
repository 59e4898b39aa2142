import { InternalError } from '../core/index.js';
import type { CliCommand, LazyCliCommand } from './types.js';

/**
 * Every `jarvis` sub-command, loaded only when it runs. Each part keeps its commands beside its code
 * (`hub/src/<part>/cli.ts`, exported from the part's index.ts, or `hub/src/cli/<name>.ts`); this table names
 * them with their one-line summary, so `jarvis --help` and `jarvis device add` load nothing else of the hub
 * (importing every part cost ~2 s of CPU per call: the observer's NLP, gRPC, the HA client, ...). A test checks
 * that the table matches what each part exports (`hub/test/cli/registry.test.ts`).
 */
type Loader = () => Promise<readonly CliCommand[]>;

const hub: Loader = async () => [(await import('./hub.js')).hubCommand];
const device: Loader = async () => (await import('./device.js')).deviceCommands;
const mqtt: Loader = async () => (await import('../mqtt/index.js')).mqttCommands;
const observer: Loader = async () => [(await import('../observer/index.js')).observeCommand];
const tasks: Loader = async () => (await import('../tasks/index.js')).taskCommands;
const ha: Loader = async () => (await import('../home-assistant/index.js')).haCommands;
const router: Loader = async () => [(await import('../router/index.js')).routeCommand];
const stt: Loader = async () => {
  const m = await import('../stt/index.js');
  return [...m.modelsCommands, m.transcribeCommand];
};
const wyoming: Loader = async () => (await import('../wyoming/index.js')).satelliteCommands;

function lazy(entry: { path: readonly string[]; summary: string; load: Loader }): LazyCliCommand {
  return {
    path: entry.path,
    summary: entry.summary,
    async load() {
      const found = (await entry.load()).find((c) => c.path.join(' ') === entry.path.join(' '));
      if (!found) throw new InternalError('JARVIS_INTERNAL_INVARIANT', `jarvis ${entry.path.join(' ')} is listed in cli/registry.ts but its part no longer exports it`);
      return found;
    },
  };
}

export const commands: readonly LazyCliCommand[] = [
  { path: ['hub'], summary: 'run the hub (MQTT, UDP audio, HTTP API, ...) until Ctrl-C', load: hub },
  { path: ['device', 'add'], summary: 'provision a device and print its bundle once', load: device },
  { path: ['device', 'list'], summary: 'list provisioned devices', load: device },
  { path: ['device', 'show'], summary: "show one device, its mute as the hub's gate holds it, and its recent mute transitions", load: device },
  { path: ['device', 'remove'], summary: 'remove a device (its credentials stop working at once)', load: device },
  { path: ['device', 'rotate-key'], summary: 'issue a new UDP key and MQTT password for a device and print its new bundle', load: device },
  { path: ['mqtt', 'export-mosquitto'], summary: 'write mosquitto.conf, a password file and an ACL for an external Mosquitto broker', load: mqtt },
  { path: ['observe'], summary: 'print the to-dos the observer hears in a transcript on stdin', load: observer },
  { path: ['token', 'create'], summary: "Create a worker join token (shown once; it pins this hub's CA).", load: tasks },
  { path: ['token', 'list'], summary: 'List join tokens (never their secrets).', load: tasks },
  { path: ['token', 'revoke'], summary: 'Revoke a join token by id.', load: tasks },
  { path: ['worker', 'list'], summary: 'List enrolled workers.', load: tasks },
  { path: ['worker', 'revoke'], summary: 'Revoke a worker: every further call from it is refused at once.', load: tasks },
  { path: ['task', 'submit'], summary: 'Queue a task for the workers.', load: tasks },
  { path: ['task', 'list'], summary: 'List tasks, newest first.', load: tasks },
  { path: ['task', 'show'], summary: 'Show one task with its result or errors.', load: tasks },
  { path: ['task', 'cancel'], summary: 'Cancel a task (at once if queued; a running one is stopped by its worker).', load: tasks },
  { path: ['ha', 'snapshot'], summary: 'write a registry snapshot of a live Home Assistant as JSON to stdout', load: ha },
  { path: ['route'], summary: 'print the router decision for a sentence (or JSONL on stdin) without executing it', load: router },
  { path: ['models', 'list'], summary: 'list known models and which are downloaded', load: stt },
  { path: ['models', 'pull'], summary: 'download models (resumes, checks SHA-256)', load: stt },
  { path: ['models', 'verify'], summary: 'check downloaded models against their SHA-256', load: stt },
  { path: ['models', 'rm'], summary: 'delete downloaded models', load: stt },
  { path: ['transcribe'], summary: 'transcribe WAV files with whisper, the command grammar, or both', load: stt },
  { path: ['satellite', 'add'], summary: 'control an existing wyoming-satellite (HOST:PORT)', load: wyoming },
  { path: ['satellite', 'list'], summary: 'list the wyoming-satellites Jarvis controls', load: wyoming },
  { path: ['satellite', 'remove'], summary: 'stop controlling a wyoming-satellite', load: wyoming },
  { path: ['satellite', 'mute'], summary: 'mute a wyoming-satellite (pause-satellite; its audio is dropped)', load: wyoming },
  { path: ['satellite', 'unmute'], summary: 'unmute a wyoming-satellite', load: wyoming },
].map(lazy);

/** Every loader of the table, for the test that keeps the table true. */
export const loaders: readonly Loader[] = [hub, device, mqtt, observer, tasks, ha, router, stt, wyoming];
