import { type Component, silentLogger, type Logger } from '../core/index.js';
import { Allowlist } from './allowlist.js';
import { HomeAssistantClient } from './client.js';
import type { HomeAssistantConfig } from './config.js';

/**
 * The Home Assistant part for `main.ts`: owns the client (connection, caches, service calls) and the allowlist.
 * Without a URL and token it stays off and says how to turn it on; a down HA never blocks the hub's start.
 */
export class HomeAssistantComponent implements Component {
  readonly name = 'home-assistant';
  /** The client, present when configured. */
  readonly client: HomeAssistantClient | undefined;
  /** What Jarvis may act on. */
  readonly allowlist: Allowlist;
  private readonly log: Logger;

  constructor(private readonly config: HomeAssistantConfig, logger: Logger = silentLogger()) {
    this.log = logger;
    this.allowlist = new Allowlist(config.allowlist);
    this.client = config.url && config.token
      ? new HomeAssistantClient({ url: config.url, token: config.token, staleAfterMs: config.staleAfterMs, backoffInitialMs: config.backoffInitialMs, backoffMaxMs: config.backoffMaxMs, logger })
      : undefined;
  }

  async start(): Promise<void> {
    if (!this.client) {
      const missing = this.config.url ? 'homeAssistant.token (JARVIS_HOME_ASSISTANT_TOKEN) is not set' : 'no Home Assistant URL is configured';
      this.log.warn(`Home Assistant control is off: ${missing}. Set homeAssistant.url and homeAssistant.token in jarvis.yaml, or JARVIS_HOME_ASSISTANT_URL and JARVIS_HOME_ASSISTANT_TOKEN (try it with the dev-only simulator, \`jarvis-ha-sim\` of @jarvis/ha-simulator)`);
      return;
    }
    await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client?.stop();
  }

  /** What the API shows: whether HA is configured, the connection state and how many entities Jarvis may act on. */
  status(): { configured: boolean; url: string | null; state: string; entities: number; allowed: number } {
    const snapshot = this.client?.snapshot();
    return {
      configured: this.client !== undefined,
      url: this.config.url ?? null,
      state: this.client?.state ?? 'off',
      entities: snapshot?.entities.length ?? 0,
      allowed: snapshot?.entities.filter((e) => this.allowlist.allows(e)).length ?? 0,
    };
  }
}
