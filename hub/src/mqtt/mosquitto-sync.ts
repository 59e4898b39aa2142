import { readFileSync } from 'node:fs';
import { type Component, type Logger, InputError } from '../core/index.js';
import type { DevicesRepository } from '../store/index.js';
import type { DeviceRegistry } from './device-registry.js';
import { exportMosquitto, type BrokerLimits } from './mosquitto-export.js';

/** Construction parameters of {@link MosquittoSync}. */
export interface MosquittoSyncOptions {
  dir: string;
  /** A file holding Mosquitto's pid: signalled with SIGHUP after each export so it re-reads passwd and acl. */
  reloadPidFile: string | undefined;
  discoveryPrefix: string;
  /** Written into mosquitto.conf (the hub's own connection cap, a 64 KiB packet limit). */
  limits: BrokerLimits;
  devices: DevicesRepository;
  registry: DeviceRegistry;
  logger: Logger;
}

/**
 * Keeps an external Mosquitto's password file and ACL in step with the hub's devices (`mqtt.exportDir`):
 * exports at start and after every added, removed or re-keyed device, then asks Mosquitto to reload.
 * A failed export is logged and retried at the next change; it never stops the hub.
 */
export class MosquittoSync implements Component {
  readonly name = 'mosquitto-sync';
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: MosquittoSyncOptions) {}

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.sync('start');
    this.unsubscribe = this.o.registry.onChange((c) => {
      if (c.added.length + c.removed.length + c.rotated.length > 0) this.sync('devices changed');
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private sync(why: string): void {
    const log = this.o.logger;
    try {
      const r = exportMosquitto(this.o.devices, this.o.dir, { discoveryPrefix: this.o.discoveryPrefix, limits: this.o.limits });
      log.info({ dir: this.o.dir, devices: r.devices, why }, 'mosquitto files exported');
      if (r.needRotate.length > 0) {
        log.warn({ devices: r.needRotate.map((d) => d.deviceId) }, 'devices without a Mosquitto password hash were left out: run `jarvis device rotate-key` for each');
      }
    } catch (err) {
      log.error({ err, dir: this.o.dir, code: 'JARVIS_MQTT_EXPORT_FAILED' }, 'mosquitto export failed');
      return;
    }
    if (!this.o.reloadPidFile) return;
    try {
      const pid = Number(readFileSync(this.o.reloadPidFile, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 1) throw new InputError('JARVIS_MQTT_EXPORT_RELOAD_FAILED', `no process id in ${this.o.reloadPidFile}`);
      process.kill(pid, 'SIGHUP');
      log.info({ pid }, 'asked mosquitto to reload its password file and ACL');
    } catch (err) {
      log.error({ err, pidFile: this.o.reloadPidFile, code: 'JARVIS_MQTT_EXPORT_RELOAD_FAILED' }, 'could not signal mosquitto to reload; reload it by hand');
    }
  }
}
