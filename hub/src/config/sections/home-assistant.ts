import { z } from 'zod';

/** Allowlist settings (part of the hub's `homeAssistant` config; home-assistant/allowlist.ts applies them). */
export const allowlistConfigSchema = z.object({
  /** Entity ids or globs (`light.*`, `*.kitchen_*`) Jarvis may act on, in addition to HA's exposure. */
  entities: z.array(z.string().min(1)).default([]),
  /** Follow Home Assistant's own "expose to Assist" setting (`conversation`). */
  useHaExposure: z.boolean().default(true),
  /** Sensitive entities (locks, alarm panels, door/garage/gate covers) Jarvis may act on: ids or globs. */
  optIn: z.array(z.string().min(1)).default([]),
});

/** Allowlist settings after defaults. */
export type AllowlistConfig = z.infer<typeof allowlistConfigSchema>;

/**
 * The `homeAssistant` config section: where HA is and what Jarvis may touch. It lives here, with every other
 * section, so the config imports no part (the parts import the config, never the other way round).
 */
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
    /** Home Assistant's own conversation agent, asked when tier 0 understands nothing (custom sentences, aliases). */
    conversation: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Always sent explicitly; HA's built-in agent by default. Never an agent that is Jarvis itself (a loop). */
        agentId: z
          .string()
          .regex(/^[a-zA-Z0-9_.]+$/, { error: 'must be an agent id such as conversation.home_assistant' })
          .refine((id) => !/jarvis/i.test(id), { error: "must not be Jarvis's own agent: Home Assistant would hand the text back to Jarvis" })
          .default('conversation.home_assistant'),
        language: z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, { error: 'must be a language tag such as en or en-GB' }).default('en'),
      })
      .prefault({}),
  })
  .prefault({});

/** The validated `homeAssistant` section. */
export type HomeAssistantConfig = z.infer<typeof homeAssistantSection>;
