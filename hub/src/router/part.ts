import { hubServices } from '../voice/services.js';
import { forFacility } from '../core/logger.js';
import { Allowlist } from '../home-assistant/allowlist.js';
import { createTier1Router } from './tier1-llm.js';
import { llmModelPath } from '../llm/model-path.js';
import { LlmRuntime } from '../llm/runtime.js';
import type { HubContext, HubPart } from '../main.js';
import { findModel, loadCatalogue } from '../stt/models/catalogue.js';
import { Counter, Histogram } from 'prom-client';
import { ColdReplies } from './cold-replies.js';
import { CommandRouter } from './command-router.js';
import { describeDuration } from '../language/duration.js';
import type { HubTimer } from './timers.js';

/** What a device hears when a timer it set runs out. */
export function timerFinishedText(timer: Pick<HubTimer, 'name' | 'durationS'>): string {
  return timer.name ? `Your ${timer.name} timer is done.` : `Your timer for ${describeDuration(timer.durationS)} is done.`;
}

const runtimes = new WeakMap<HubContext, LlmRuntime>();

/** The hub's local LLM runtime (made by the router part), or undefined when `llm.enabled` is false. */
export function llmRuntimeOf(ctx: HubContext): LlmRuntime | undefined {
  return runtimes.get(ctx);
}

/** The GGUF the `llm` section names: its `path`, else the catalogue model's file in `<dataDir>/models`. */
export function llmModelFile(ctx: Pick<HubContext, 'config'>): { path: string; name: string } {
  const { llm, dataDir } = ctx.config;
  if (llm.path) return { path: llm.path, name: llm.model };
  let file: string = llm.model;
  try {
    file = findModel(loadCatalogue(), llm.model).file;
  } catch {
    // An unknown name still gives a path; the runtime then reports the file as missing with the pull command.
  }
  return { path: llmModelPath(dataDir, file), name: llm.model };
}

/**
 * The router part: tier-0 decisions over the Home Assistant registry (or an empty one when HA is off), hot
 * decisions executed at once, cold ones queued as `router.<task>` tasks whose results are spoken on the device
 * that asked, hub timers that ring on the device that set them. Commands arrive through
 * `hubServices(ctx).commands.handleCommandText`.
 */
export const routerPart: HubPart = {
  name: 'router',
  create(ctx) {
    const services = hubServices(ctx);
    const log = forFacility(ctx.logger, 'hub:router');
    const say = (deviceId: string, text: string): Promise<void> => ctx.mqtt.sendCommand(deviceId, 'cmd/say', { text });
    const cold = services.tasks
      ? new ColdReplies({
          db: ctx.db,
          queue: services.tasks.queue,
          say,
          deviceExists: (id) => ctx.registry.byTextId(id) !== undefined,
          deviceOnline: (id) => ctx.mqtt.stateOf(id).online,
          maxAgeMs: ctx.config.router.coldReplyMaxAgeMs,
          sweepMs: ctx.config.router.coldReplySweepMs,
          logger: log,
        })
      : undefined;
    const ha = services.homeAssistant;
    let llm: LlmRuntime | undefined;
    if (ctx.config.llm.enabled) {
      const model = llmModelFile(ctx);
      llm = new LlmRuntime({ modelPath: model.path, modelName: model.name, threads: ctx.config.llm.threads, logger: forFacility(ctx.logger, 'hub:llm') });
      runtimes.set(ctx, llm);
    } else {
      log.info('router tier 1 is off: llm.enabled is false (JARVIS_LLM_ENABLED)');
    }
    const tier1Total = new Counter({ name: 'jarvis_router_tier1_total', help: 'Commands tier 0 could not place that went to the local LLM, by outcome', labelNames: ['outcome'], registers: [ctx.metrics] });
    const tier1Seconds = new Histogram({ name: 'jarvis_router_tier1_seconds', help: 'Time of one tier-1 consultation', buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5], registers: [ctx.metrics] });
    const tier1 = llm
      ? createTier1Router({ runtime: llm, budgetMs: ctx.config.llm.tier1BudgetMs, onFallThrough: (reason, detail) => log.debug({ reason, detail }, 'tier 1 fell through') })
      : undefined;
    const router = new CommandRouter({
      client: ha?.client,
      allowlist: ha?.allowlist ?? new Allowlist(ctx.config.homeAssistant.allowlist),
      tasks: cold,
      timeZone: ctx.config.time.zone,
      tier1,
      tier1Ready: () => llm?.ready ?? false,
      onTier1: (outcome, ms) => {
        tier1Total.inc({ outcome });
        tier1Seconds.observe(ms / 1000);
      },
      logger: log,
    });
    router.timers.on('finished', (timer: HubTimer) => {
      if (!timer.deviceId) return;
      say(timer.deviceId, timerFinishedText(timer)).catch((err: unknown) => log.warn({ err, device: timer.deviceId }, 'timer announcement failed'));
    });
    services.router = router;
    services.commands.setRouter(router);
    // The LLM loads before the router starts taking commands; a missing model leaves it off (and says so).
    return [...(llm ? [llm] : []), router, ...(cold ? [cold] : [])];
  },
};
