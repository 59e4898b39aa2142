import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIO } from '../cli/index.js';
import { InputError } from '../core/index.js';
import { HomeAssistantError, loadRegistrySnapshot } from '../home-assistant/index.js';
import { Tier0Router } from './tier0.js';
import type { Decision } from '../language/index.js';

const HELP = `Usage: jarvis route [TEXT] [--area AREA] [--registry FILE] [--jsonl]

Prints what Jarvis would do with a sentence, as JSON: {intent, slots, path, tier, confidence, targets}
(plus reply and code when it refuses). Nothing is executed.

  TEXT             the sentence (quote it)
  --area AREA      area of the speaking device, by name or id (e.g. kitchen, "Living Room")
  --registry FILE  registry snapshot (default: $JARVIS_REGISTRY, else $JARVIS_DATA_DIR/registry.json;
                   make one with \`jarvis ha snapshot > registry.json\`)
  --jsonl          read {"text": "...", "context": {"area": "..."}} lines on stdin and write one decision
                   per line, in order; a bad line gives {"error": {"code", "message", "line"}} and the rest
                   go on (exit code 1 if any line was bad)

Exit codes: 0 ok, 1 some JSONL lines were bad, 2 usage error (unknown flag, no text, unknown area, bad registry).
`;

/** Codes `jarvis route` reports. */
export const ROUTE_CLI_ERROR_CODES = ['JARVIS_ROUTE_BAD_ARGS', 'JARVIS_ROUTE_NO_TEXT', 'JARVIS_ROUTE_UNKNOWN_AREA', 'JARVIS_ROUTE_BAD_LINE'] as const;

class RouteCliError extends InputError<(typeof ROUTE_CLI_ERROR_CODES)[number] | 'JARVIS_HA_BAD_SNAPSHOT'> {}

/** The decision as `jarvis route` prints it, fields in a fixed order. */
export function decisionJson(d: Decision): string {
  const out: Record<string, unknown> = { intent: d.intent, ...(d.action !== undefined ? { action: d.action } : {}), slots: d.slots, path: d.path, tier: d.tier, confidence: d.confidence, targets: d.targets };
  if (d.reply !== undefined) out['reply'] = d.reply;
  if (d.code !== undefined) out['code'] = d.code;
  return JSON.stringify(out);
}

function defaultRegistry(env: NodeJS.ProcessEnv): string {
  if (env['JARVIS_REGISTRY']) return env['JARVIS_REGISTRY'];
  const dataDir = env['JARVIS_DATA_DIR'] ?? join(env['XDG_DATA_HOME'] ?? join(homedir(), '.local', 'share'), 'jarvis');
  return join(dataDir, 'registry.json');
}

function areaFor(router: Tier0Router, area: string | undefined): string | undefined {
  if (area === undefined) return undefined;
  const found = router.entityIndex.findArea(area);
  if (!found) {
    const known = router.entityIndex.snapshot.areas.map((a) => a.name).join(', ');
    throw new RouteCliError('JARVIS_ROUTE_UNKNOWN_AREA', `unknown area "${area}" (known: ${known})`);
  }
  return found.area_id;
}

async function runJsonl(router: Tier0Router, io: CliIO, defaultArea: string | undefined): Promise<number> {
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let lineNo = 0;
  let bad = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (err) {
        throw new RouteCliError('JARVIS_ROUTE_BAD_LINE', `line ${lineNo} is not JSON: ${(err as Error).message}`);
      }
      const obj = parsed as { text?: unknown; context?: unknown } | null;
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new RouteCliError('JARVIS_ROUTE_BAD_LINE', `line ${lineNo}: expected an object {"text", "context"}`);
      if (typeof obj.text !== 'string') throw new RouteCliError('JARVIS_ROUTE_BAD_LINE', `line ${lineNo}: "text" must be a string`);
      const ctx = obj.context as { area?: unknown } | undefined | null;
      if (ctx !== undefined && (ctx === null || typeof ctx !== 'object' || Array.isArray(ctx))) throw new RouteCliError('JARVIS_ROUTE_BAD_LINE', `line ${lineNo}: "context" must be an object`);
      if (ctx?.area !== undefined && typeof ctx.area !== 'string') throw new RouteCliError('JARVIS_ROUTE_BAD_LINE', `line ${lineNo}: "context.area" must be a string`);
      const area = areaFor(router, (ctx?.area as string | undefined) ?? defaultArea);
      io.stdout.write(`${decisionJson(router.route(obj.text, { area }))}\n`);
    } catch (err) {
      if (!(err instanceof RouteCliError)) throw err;
      bad++;
      io.stdout.write(`${JSON.stringify({ error: { code: err.code, message: err.message, line: lineNo } })}\n`);
    }
  }
  return bad > 0 ? 1 : 0;
}

/** `jarvis route`: what tier 0 would decide for a sentence (or JSONL of sentences), without executing it. */
export const routeCommand: CliCommand = {
  path: ['route'],
  summary: 'print the router decision for a sentence (or JSONL on stdin) without executing it',
  help: HELP,
  async run(argv, io) {
    try {
      let parsed;
      try {
        parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: {
          area: { type: 'string' }, registry: { type: 'string' }, jsonl: { type: 'boolean' }, help: { type: 'boolean' },
        } });
      } catch (err) {
        throw new RouteCliError('JARVIS_ROUTE_BAD_ARGS', (err as Error).message);
      }
      const { values, positionals } = parsed;
      if (values.help) {
        io.stdout.write(HELP);
        return 0;
      }
      const text = positionals.join(' ').trim();
      if (!values.jsonl && text === '') throw new RouteCliError('JARVIS_ROUTE_NO_TEXT', 'give a sentence to route, or --jsonl to read them from stdin');
      if (values.jsonl && text !== '') throw new RouteCliError('JARVIS_ROUTE_BAD_ARGS', 'give either TEXT or --jsonl, not both');
      let router: Tier0Router;
      try {
        router = new Tier0Router(loadRegistrySnapshot(values.registry ?? defaultRegistry(io.env)));
      } catch (err) {
        if (err instanceof HomeAssistantError) throw new RouteCliError('JARVIS_HA_BAD_SNAPSHOT', err.message);
        throw err;
      }
      if (values.jsonl) {
        if (values.area !== undefined) areaFor(router, values.area);
        return await runJsonl(router, io, values.area);
      }
      io.stdout.write(`${decisionJson(router.route(text, { area: areaFor(router, values.area) }))}\n`);
      return 0;
    } catch (err) {
      if (err instanceof RouteCliError) {
        io.stderr.write(`jarvis route: ${err.message} (${err.code})\n`);
        return 2;
      }
      throw err;
    }
  },
};
