/*
 * Shapes of the hub's HTTP API (`/api/v1`) that its clients read, the dashboard first: one type that the hub's
 * route returns and the dashboard reads, instead of a copy on each side. Types only.
 */

/** What muted or unmuted a device: its switch (retained `state/mute`), MUTED audio frames, or the API/dashboard. */
export type MuteAuditSource = 'mqtt' | 'frame' | 'api';

/** One row of `GET /api/v1/mute-audit`: a switch to mute or unmute, and how long a mute lasted. */
export interface MuteAuditEntry {
  id: number;
  deviceId: string;
  /** The device's name, or null when the device has been removed since (its audit rows stay). */
  deviceName: string | null;
  muted: boolean;
  source: MuteAuditSource;
  /** Who set or lifted a software mute (source `api`), else null. */
  actor: string | null;
  /** When, ISO 8601. */
  at: string;
  /** How long a mute lasted, ms; null while it goes on, and on unmute rows. */
  durationMs: number | null;
}

/** The body of `GET /api/v1/mute-audit`: newest first. */
export interface MuteAuditResponse {
  entries: MuteAuditEntry[];
}
