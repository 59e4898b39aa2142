import type { Migration } from '../migration.js';

/**
 * A second hash of each device's MQTT password in Mosquitto's own PBKDF2-SHA512 (`$7$`) format, made at
 * device add and rotate-key, so `jarvis mqtt export-mosquitto` can hand an external broker a password
 * file (Mosquitto 2.0 reads no scrypt). NULL for devices made before: they need one rotate-key.
 */
export const migration0007: Migration = {
  id: 7,
  name: 'mosquitto-password',
  up: `ALTER TABLE devices ADD COLUMN mosquitto_password_hash TEXT CHECK (mosquitto_password_hash IS NULL OR mosquitto_password_hash LIKE '$7$%');`,
};
