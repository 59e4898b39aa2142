import { Counter, type Registry } from 'prom-client';
import type { Component } from '../core/index.js';
import type { TaskRecord } from '../tasks/index.js';
import { CommandError } from './command-errors.js';
import type { CommandOutcome } from './command-service.js';

/** The names of the counters {@link OutcomeMetrics} keeps. */
export const OUTCOME_METRIC_NAMES = ['jarvis_commands_total', 'jarvis_ha_calls_total', 'jarvis_tasks_settled_total'] as const;

/** How a command in words ended, as the `outcome` label says it. */
export function commandOutcomeLabel(ended: { outcome: CommandOutcome } | { error: unknown }): string {
  if ('error' in ended) return ended.error instanceof CommandError ? 'rejected' : 'error';
  const { result } = ended.outcome;
  if (result.code === 'JARVIS_COMMAND_NOT_UNDERSTOOD') return 'not_understood';
  if (result.code === 'JARVIS_ROUTE_CONFIRM_PENDING') return 'confirm_pending';
  if (result.taskId !== undefined && result.ok) return 'queued';
  return result.ok ? 'ok' : 'failed';
}

/**
 * Counters of what the hub did, by outcome (issue 18 finding 7): commands in words (API and voice) —
 * `jarvis_commands_total{outcome}`; the Home Assistant service calls those commands made —
 * `jarvis_ha_calls_total{domain,outcome}` (outcome `ok`, or the command's error code); settled tasks —
 * `jarvis_tasks_settled_total{type,outcome}` (the final state). Registered in `start()`, removed in `stop()`.
 */
export class OutcomeMetrics implements Component {
  readonly name = 'outcome-metrics';
  private commands: Counter<'outcome'> | undefined;
  private haCalls: Counter<'domain' | 'outcome'> | undefined;
  private tasks: Counter<'type' | 'outcome'> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly registry: Registry,
    /** The task queue's `onSettled`; undefined when tasks do not run. */
    private readonly onTaskSettled?: (listener: (task: TaskRecord) => void) => () => void,
  ) {}

  async start(): Promise<void> {
    if (this.commands) return;
    const registers = [this.registry];
    this.commands = new Counter({ name: 'jarvis_commands_total', help: 'Commands in words (API and voice) by how they ended', labelNames: ['outcome'], registers });
    this.haCalls = new Counter({ name: 'jarvis_ha_calls_total', help: 'Home Assistant service calls made for commands, by domain and outcome', labelNames: ['domain', 'outcome'], registers });
    this.tasks = new Counter({ name: 'jarvis_tasks_settled_total', help: 'Tasks settled, by type and final state', labelNames: ['type', 'outcome'], registers });
    const tasks = this.tasks;
    this.unsubscribe = this.onTaskSettled?.((task) => tasks.inc({ type: task.type, outcome: task.state }));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (!this.commands) return;
    for (const name of OUTCOME_METRIC_NAMES) this.registry.removeSingleMetric(name);
    this.commands = this.haCalls = this.tasks = undefined;
  }

  /** Counts one command and the HA calls it made (the command service's `observe`). */
  command(ended: { outcome: CommandOutcome } | { error: unknown }): void {
    this.commands?.inc({ outcome: commandOutcomeLabel(ended) });
    if (!('outcome' in ended)) return;
    const { result } = ended.outcome;
    for (const call of result.calls) this.haCalls?.inc({ domain: call.domain, outcome: result.ok ? 'ok' : (result.code ?? 'failed') });
  }
}
