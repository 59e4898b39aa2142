/**
 * The Wyoming part (DESIGN.md §3 `wyoming/`): the server Home Assistant adds (when configured) and one
 * controller per wyoming-satellite (from the config and from `jarvis satellite add`). The satellites
 * file is polled, so CLI changes (add, remove, mute) reach the running hub within a second.
 */
import { unwatchFile, watchFile } from 'node:fs';
import type { RegistrySnapshot } from '@jarvis/protocol';
import type { Component, Logger } from '../core/index.js';
import { wyomingServerPort, type WyomingConfig } from '../config/index.js';
import type { WyomingSttBackend, WyomingWakeBackend } from './backends.js';
import { routerHandleBackend, type CommandHandler } from './router-handle.js';
import { WyomingServer } from './server.js';
import { WyomingSatelliteController, type SatelliteMuteAudit, type SatelliteRun, type SatelliteState, type SatelliteMetrics } from './satellite-controller.js';
import { SatelliteStore, defaultSatelliteName, parseHostPort, type StoredSatellite } from './satellite-store.js';
import { chooseTts } from './tts.js';
import { loadWyomingResampler } from './audio-convert.js';

/** What the Wyoming part is built from. */
export interface WyomingPartOptions {
  config: WyomingConfig;
  dataDir: string;
  /** Jarvis's version for `info`. */
  version: string;
  logger: Logger;
  stt?: WyomingSttBackend | undefined;
  wake?: WyomingWakeBackend | undefined;
  /** The router; undefined = no `handle` and satellites only transcribe. */
  router?: CommandHandler | undefined;
  /** HA's registry (device → area for `handle`). */
  registry: () => RegistrySnapshot | undefined;
  onMuteAudit?(a: SatelliteMuteAudit): void;
  onRun?(satellite: string, run: SatelliteRun): void;
  onStt?(ms: number, engine: string): void;
}

/** A satellite as the API and dashboard show it. */
export interface SatelliteStatus {
  name: string;
  host: string;
  port: number;
  area: string | null;
  state: SatelliteState;
  muted: boolean;
  metrics: SatelliteMetrics;
  lastRun: SatelliteRun | null;
}

/** The Wyoming part. */
export class WyomingPart implements Component {
  readonly name = 'wyoming';
  server: WyomingServer | undefined;
  private readonly controllers = new Map<string, { c: WyomingSatelliteController; stored: StoredSatellite }>();
  private store: SatelliteStore | undefined;
  private watching = false;

  constructor(private readonly o: WyomingPartOptions) {}

  /** The server's port, or undefined when the server is off. */
  get port(): number | undefined {
    return this.server?.port;
  }

  async start(): Promise<void> {
    if (this.store) return;
    const { config, logger } = this.o;
    this.store = new SatelliteStore(this.o.dataDir);
    await loadWyomingResampler();
    const port = wyomingServerPort(config);
    const handle = this.o.router ? routerHandleBackend(this.o.router, this.o.registry) : undefined;
    if (port !== undefined || this.wanted().length > 0) this.o.wake?.prepare?.();
    if (port === undefined) {
      logger.info('wyoming: server off (set wyoming.port, --wyoming-port or JARVIS_WYOMING_PORT to serve Home Assistant)');
    } else {
      this.server = new WyomingServer({
        port,
        allow: config.allow,
        mdns: config.mdns,
        name: config.name,
        version: this.o.version,
        stt: this.o.stt,
        wake: this.o.wake,
        handle,
        maxSttSeconds: config.maxSttSeconds,
        logger,
        ...(this.o.onStt ? { onStt: this.o.onStt } : {}),
      });
      await this.server.start();
    }
    await this.syncSatellites();
    watchFile(this.store.path, { interval: 1000 }, () => {
      void this.syncSatellites().catch((err: unknown) => logger.warn({ err }, 'wyoming: satellites file not applied'));
    });
    this.watching = true;
  }

  async stop(): Promise<void> {
    if (this.watching && this.store) unwatchFile(this.store.path);
    this.watching = false;
    for (const { c } of this.controllers.values()) await c.stop().catch((err: unknown) => this.o.logger.warn({ err }, 'wyoming: satellite stop failed'));
    this.controllers.clear();
    await this.server?.stop();
    this.server = undefined;
    this.store = undefined;
    await this.o.stt?.close?.().catch((err: unknown) => this.o.logger.warn({ err }, 'wyoming: the STT backend did not close'));
  }

  /** Every controlled satellite with its state, mute, metrics and last run. */
  satellites(): SatelliteStatus[] {
    return [...this.controllers.values()].map(({ c, stored }) => ({
      name: stored.name,
      host: stored.host,
      port: stored.port,
      area: stored.area ?? null,
      state: c.state,
      muted: c.muted,
      metrics: { ...c.metrics },
      lastRun: c.lastRun ?? null,
    }));
  }

  /** Mute set in Jarvis (API, dashboard): persisted, then applied ([WY-4.4]). */
  setMuted(name: string, muted: boolean, source: string): boolean {
    const entry = this.controllers.get(name);
    if (!entry) return false;
    this.store?.setMuted(name, muted, source);
    entry.c.setMuted(muted, source);
    return true;
  }

  private wanted(): StoredSatellite[] {
    const fromConfig = this.o.config.satellites.map((s) => {
      const { host, port } = parseHostPort(s.address);
      return { name: s.name ?? defaultSatelliteName(host), host, port, ...(s.area ? { area: s.area } : {}), muted: false };
    });
    const stored = this.store?.list() ?? [];
    return [...fromConfig.filter((c) => !stored.some((s) => s.name === c.name)), ...stored];
  }

  private async syncSatellites(): Promise<void> {
    const { logger } = this.o;
    const wanted = this.wanted();
    for (const [name, { c }] of this.controllers) {
      const w = wanted.find((s) => s.name === name);
      const entry = this.controllers.get(name);
      if (!w || w.host !== entry?.stored.host || w.port !== entry.stored.port) {
        await c.stop();
        this.controllers.delete(name);
      }
    }
    if (wanted.length > 0 && !this.o.stt) {
      logger.warn({ satellites: wanted.map((s) => s.name) }, 'wyoming: satellites not started: speech-to-text is off');
      return;
    }
    if (wanted.length > 0) this.o.wake?.prepare?.();
    for (const s of wanted) {
      const existing = this.controllers.get(s.name);
      if (existing) {
        if (existing.c.muted !== s.muted) existing.c.setMuted(s.muted, s.mutedBy ?? 'file');
        existing.stored = s;
        continue;
      }
      const { tts, reason } = await chooseTts({ piperBinary: this.o.config.piperBinary, piperModel: this.o.config.piperModel, espeakVoice: this.o.config.espeakVoice });
      logger.info({ satellite: s.name, tts: tts.name, reason }, 'wyoming: satellite added');
      const router = this.o.router;
      const c = new WyomingSatelliteController({
        name: s.name,
        host: s.host,
        port: s.port,
        area: s.area,
        stt: this.o.stt as WyomingSttBackend,
        wake: this.o.wake,
        tts,
        muted: s.muted,
        logger,
        handle: async (text, ctx) => {
          if (!router) return { handled: false, text: "I can't act on commands: the router is off." };
          const r = await router.handle(text, { ...(ctx.area ? { area: ctx.area } : {}), deviceId: ctx.deviceId, origin: 'device' });
          return { handled: r.result.ok, text: r.result.reply };
        },
        ...(this.o.onMuteAudit ? { onMuteAudit: this.o.onMuteAudit } : {}),
        onRun: (run) => this.o.onRun?.(s.name, run),
      });
      this.controllers.set(s.name, { c, stored: s });
      await c.start();
    }
  }
}
