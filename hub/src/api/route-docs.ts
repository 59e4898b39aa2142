import type { RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import { ApiError } from './errors.js';

/** OpenAPI text of a route for `@fastify/swagger`; validation stays with zod (fastify's own validator is off here). */
export function docs(o: { summary: string; tags: string[]; description?: string; body?: z.ZodType; query?: z.ZodType; params?: z.ZodType }): RouteShorthandOptions {
  const json = (s: z.ZodType): Record<string, unknown> => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(s, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return rest;
  };
  return {
    schema: {
      summary: o.summary,
      tags: o.tags,
      ...(o.description ? { description: o.description } : {}),
      ...(o.body ? { body: json(o.body) } : {}),
      ...(o.query ? { querystring: json(o.query) } : {}),
      ...(o.params ? { params: json(o.params) } : {}),
    },
    validatorCompiler: () => () => true,
  };
}

/** Parses `value` with a zod schema or throws a 400 ApiError with `code` naming the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string, code = 'JARVIS_API_BAD_REQUEST'): T {
  const r = schema.safeParse(value ?? (what === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const keys = issue && 'keys' in issue ? (issue.keys as string[]).join(', ') : '';
  const where = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : keys ? `${what}.${keys}` : what;
  throw new ApiError(400, code, `${where}: ${issue?.message ?? 'invalid'}`);
}

/** 8 lowercase hex digits: a device id in the API. */
export const deviceIdParam = z.strictObject({ id: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits') });
