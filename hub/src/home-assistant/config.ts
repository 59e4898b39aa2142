import { z } from 'zod';
import { allowlistConfigSchema } from './allowlist.js';

/** The `homeAssistant` config section (for the hub's config schema): where HA is and what Jarvis may touch. */
export const homeAssistantSection = z
  .strictObject({
    /** Base URL, e.g. `http://homeassistant.local:8123`; unset = Home Assistant control is off. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
    /** Long-lived access token (Profile → Security in HA). Prefer `JARVIS_HOME_ASSISTANT_TOKEN`. */
    token: z.string().min(1).optional(),
    /** A command that could not reach HA within this many ms is dropped, never executed late. */
    staleAfterMs: z.number().int().min(100).max(60_000).default(5000),
    /** Reconnect backoff: first delay and cap, ms. */
    backoffInitialMs: z.number().int().min(10).default(500),
    backoffMaxMs: z.number().int().min(100).default(30_000),
    allowlist: allowlistConfigSchema.prefault({}),
  })
  .prefault({});

/** The validated `homeAssistant` section. */
export type HomeAssistantConfig = z.infer<typeof homeAssistantSection>;
