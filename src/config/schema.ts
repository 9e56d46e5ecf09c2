import { z } from 'zod';
import { PROVIDER_KINDS } from '../providers/kinds.js';

/**
 * The config file's schema. Strict: an unknown key is an error (a typo must not silently change
 * behaviour). Field names are snake_case as they appear in YAML; `load.ts` turns the parsed result
 * into the frozen, camelCase `GatewayConfig`.
 */

const nonEmpty = z.string().min(1, 'must not be empty');
const positiveMs = z.number().int().positive();

const timeoutsSchema = z
  .strictObject({
    connect_ms: positiveMs.optional(),
    first_byte_ms: positiveMs.optional(),
    idle_ms: positiveMs.optional(),
    total_ms: positiveMs.optional(),
  })
  .describe('timeouts');

const serverSchema = z.strictObject({
  host: nonEmpty.default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  body_limit_bytes: z.number().int().positive().default(16 * 1024 * 1024),
  shutdown_grace_ms: positiveMs.default(15_000),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const providerSchema = z.strictObject({
  kind: z.enum(PROVIDER_KINDS),
  base_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** A literal key or `${ENV_VAR}`; omitted: the kind's usual environment variable. */
  api_key: z.string().optional(),
  /** Name of the environment variable holding the key (overrides the kind's default). */
  api_key_env: nonEmpty.optional(),
  /** Vertex AI: the Google Cloud project and location (region) in the URL. */
  project: nonEmpty.optional(),
  location: nonEmpty.optional(),
  /** Azure OpenAI: the `api-version` query parameter. */
  api_version: nonEmpty.optional(),
  /** Extra headers sent with every request (e.g. an organisation id). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Client request headers passed on to this provider as they came (e.g. `openai-beta`). */
  forward_headers: z.array(z.string().regex(/^[A-Za-z0-9-]+$/, 'a header name')).optional(),
  timeouts: timeoutsSchema.optional(),
  /** Upper bound of open connections to this provider. */
  max_connections: z.number().int().positive().optional(),
});

const capability = z.enum(['vision', 'tools', 'reasoning', 'streaming', 'json_schema', 'documents']);

/** Keyed `provider/model`: the name clients use and the catalog entry in one. */
const modelSchema = z.strictObject({
  /** The provider's name for the model (Azure: the deployment name); defaults to the part after `/`. */
  upstream: nonEmpty.optional(),
  context_window: z.number().int().positive().optional(),
  max_output: z.number().int().positive().optional(),
  capabilities: z.array(capability).optional(),
});

/** `provider/model` or the key of an entry under `models`. */
const targetSchema = nonEmpty;

const routeSchema = z.strictObject({
  description: z.string().optional(),
  targets: z
    .array(targetSchema)
    .min(1, 'a route needs at least one target')
    .max(1, 'a route takes one target: fallback chains and routing rules are not supported yet'),
});

export const configFileSchema = z.strictObject({
  server: serverSchema.prefault({}),
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider names use a-z, 0-9, - and _'), providerSchema),
  models: z.record(z.string().regex(/^[^/\s]+\/\S+$/, 'model keys are provider/model'), modelSchema).default({}),
  routes: z.record(z.string().regex(/^[^/\s]+$/, 'route aliases contain no "/" or spaces'), routeSchema).default({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderEntry = z.infer<typeof providerSchema>;
export type ModelEntry = z.infer<typeof modelSchema>;
export type RouteEntry = z.infer<typeof routeSchema>;
