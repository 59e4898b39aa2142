import { Counter, Histogram, type Registry } from 'prom-client';

/** Registers the router's tier-1 metrics on `registry`; returns the `onTier1` callback that feeds them. */
export function registerRouterMetrics(registry: Registry): (outcome: 'decision' | 'fall-through', ms: number) => void {
  const total = new Counter({ name: 'jarvis_router_tier1_total', help: 'Commands tier 0 could not place that went to the local LLM, by outcome', labelNames: ['outcome'], registers: [registry] });
  const seconds = new Histogram({ name: 'jarvis_router_tier1_seconds', help: 'Time of one tier-1 consultation', buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 5], registers: [registry] });
  return (outcome, ms) => {
    total.inc({ outcome });
    seconds.observe(ms / 1000);
  };
}
