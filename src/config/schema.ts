import { z } from 'zod';
import { PROVIDER_KINDS } from '../providers/kinds.js';
import { pricingOverridesSchema } from '../pricing/schema.js';

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
  /** Download URL images and PDFs and send them inline (for servers that cannot fetch URLs); default per kind. */
  inline_media: z.boolean().optional(),
});

const capability = z.enum(['vision', 'tools', 'reasoning', 'streaming', 'json_schema', 'documents']);

/** USD per million tokens; overrides the price catalog for this model. */
const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cached_input: z.number().nonnegative().optional(),
  cache_write: z.number().nonnegative().optional(),
});

/** Keyed `provider/model`: the name clients use and the catalog entry in one. */
const modelSchema = z.strictObject({
  /** The provider's name for the model (Azure: the deployment name); defaults to the part after `/`. */
  upstream: nonEmpty.optional(),
  context_window: z.number().int().positive().optional(),
  /** Tokens up to which the model stays reliable; routing treats inputs beyond it as too long. */
  reliable_context: z.number().int().positive().optional(),
  max_output: z.number().int().positive().optional(),
  capabilities: z.array(capability).optional(),
  price: priceSchema.optional(),
  /** This deployment's own limits, shared by every route and key (requests and tokens per minute). */
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
  /** What a request beyond the reliable window meets on this model (src/context/README.md). */
  context_policy: z
    .union([z.enum(['refuse', 'escalate', 'truncate_middle']), z.strictObject({ slide: z.strictObject({ keep_last_turns: z.number().int().min(1).default(4) }) })], {
      error: 'must be refuse, escalate, truncate_middle or { slide: { keep_last_turns: N } }',
    })
    .optional(),
});

/** Automatic provider prompt caching (src/caching/README.md). */
const promptCacheSchema = z.enum(['auto', 'off']);

/** Exact-match response cache for a route: `true`, or with its own TTL. */
const routeResponseCacheSchema = z.union([z.boolean(), z.strictObject({ ttl_ms: z.number().int().positive() })]);

/** `provider/model` (or a `models` key), optionally with a weight for the weighted strategy. */
const targetSchema = z.union([nonEmpty, z.strictObject({ model: nonEmpty, weight: z.number().positive().default(1) })]);

export const STRATEGIES = ['priority', 'weighted', 'least-latency', 'least-busy', 'lowest-cost'] as const;

const retrySchema = z.strictObject({
  /** Tries of one target on a retryable failure (5xx, timeout, connection) before it is set aside. */
  attempts_per_target: z.number().int().min(1).max(10).default(2),
  /** Upper bound of attempts across every target. */
  max_attempts: z.number().int().min(1).max(20).default(6),
  backoff_ms: z.number().int().nonnegative().default(200),
  max_backoff_ms: z.number().int().nonnegative().default(5_000),
  /** No attempt starts after this many ms from the request's arrival. */
  deadline_ms: positiveMs.default(120_000),
});

const hedgeSchema = z.strictObject({
  /** Start a second attempt after this long without a first token; `p95` uses the deployment's own p95. */
  after: z.union([positiveMs, z.literal('p95')]).default('p95'),
  /** Used for `p95` until the deployment has enough samples. */
  fallback_ms: positiveMs.default(2_000),
});

const routeTimeoutsSchema = z.strictObject({
  /** From sending a request until the first content token (streams) or the full answer (otherwise). */
  first_token_ms: positiveMs.optional(),
});

const ruleSchema = z.strictObject({
  name: nonEmpty,
  /** An expression over the workload profile, e.g. `trace.turns >= 10 and tools > 0`. */
  when: nonEmpty,
  targets: z.array(targetSchema).min(1).optional(),
  fallbacks: z.array(nonEmpty).optional(),
  strategy: z.enum(STRATEGIES).optional(),
  /** Hand the request to another route instead of listing targets. */
  use: nonEmpty.optional(),
});

const routeSchema = z.strictObject({
  description: z.string().optional(),
  /** Ordered: the first rule whose `when` holds picks the targets; otherwise `targets`. */
  rules: z.array(ruleSchema).optional(),
  targets: z.array(targetSchema).min(1, 'a route needs at least one target'),
  /** Tried in order after every target failed or was skipped. */
  fallbacks: z.array(nonEmpty).optional(),
  strategy: z.enum(STRATEGIES).default('priority'),
  retry: retrySchema.optional(),
  hedge: hedgeSchema.optional(),
  timeouts: routeTimeoutsSchema.optional(),
  /** Provider prompt caching for this route; `routing.cache` when absent. */
  cache: promptCacheSchema.optional(),
  response_cache: routeResponseCacheSchema.optional(),
});

const breakerSchema = z.strictObject({
  /** Consecutive failures that open the breaker. */
  consecutive_failures: z.number().int().min(1).default(5),
  /** Failure ratio over the last `window` attempts that opens it (with at least `min_samples`). */
  error_rate: z.number().gt(0).max(1).default(0.5),
  window: z.number().int().min(2).default(20),
  min_samples: z.number().int().min(1).default(10),
  /** How long an open breaker keeps the deployment out before a half-open probe. */
  open_ms: positiveMs.default(30_000),
});

const routingSchema = z.strictObject({
  breaker: breakerSchema.prefault({}),
  /** Retry policy for routes that set none (and for plain provider/model requests). */
  retry: retrySchema.prefault({}),
  /** How long a provider's 401/403 keeps a deployment out of rotation. */
  credentials_cooldown_ms: positiveMs.default(300_000),
  /** Sessions (x-switchyard-session) whose trace is kept for routing, most recent first. */
  max_sessions: z.number().int().positive().default(100_000),
  session_ttl_ms: positiveMs.default(3_600_000),
  /** Provider prompt caching for routes that set none and for plain provider/model requests. */
  cache: promptCacheSchema.default('auto'),
});

const failurePolicy = z.enum(['fail-open', 'fail-closed']);

const webhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** `slack` posts `{text}` (Slack, Mattermost, Teams incoming webhooks); `json` posts the event itself. */
  format: z.enum(['json', 'slack']).default('json'),
  /** Which events go to this hook; all when absent. */
  events: z.array(z.enum(['budget_threshold', 'budget_exhausted', 'breaker_opened', 'spend_jump'])).optional(),
});

const governanceSchema = z.strictObject({
  /** The admin API's secret (≥ 16 characters); /admin is off without it. Default: $SWITCHYARD_ADMIN_KEY. */
  admin_key: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Shared counters for many replicas (`redis://…`); in-process counters without it. `serve --redis` overrides. */
  redis_url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  redis_key_prefix: nonEmpty.default('switchyard:'),
  /** What a request meets when Redis does not answer. */
  on_redis_unavailable: z
    .strictObject({ rate_limits: failurePolicy.default('fail-open'), budgets: failurePolicy.default('fail-closed') })
    .prefault({}),
  /** Output tokens reserved for a request that sets no cap, in the pre-charge estimate. */
  estimated_output_tokens: z.number().int().min(0).default(1024),
  /** How long a task's (trace's) counters live after its last turn. */
  task_ttl_ms: positiveMs.default(86_400_000),
  alerts: z
    .strictObject({
      webhooks: z.array(webhookSchema).default([]),
      /** Alert when an hour's spend is at least `factor` × the previous hour's and at least `min_usd`. */
      spend_jump: z.strictObject({ factor: z.number().gt(1).default(3), min_usd: z.number().min(0).default(1) }).prefault({}),
    })
    .prefault({}),
});

export const configFileSchema = z.strictObject({
  server: serverSchema.prefault({}),
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider names use a-z, 0-9, - and _'), providerSchema),
  models: z.record(z.string().regex(/^[^/\s]+\/\S+$/, 'model keys are provider/model'), modelSchema).default({}),
  routes: z.record(z.string().regex(/^[^/\s]+$/, 'route aliases contain no "/" or spaces'), routeSchema).default({}),
  routing: routingSchema.prefault({}),
  /** The usage ledger: one record per upstream attempt (src/ledger/README.md). */
  ledger: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** A SQLite file (`sqlite:PATH` or a path; created on first start) or `postgres://…`. */
      url: nonEmpty.default('sqlite:.switchyard/ledger.db'),
      /** Records are written in batches at most this far apart (≤ 200 ms: what a kill -9 can lose). */
      window_ms: z.number().int().min(1).max(200).default(100),
    })
    .prefault({}),
  /** Media the gateway downloads for providers that take it only inline (`inline_media`). */
  media: z
    .strictObject({
      max_bytes: z.number().int().positive().default(20 * 1024 * 1024),
      timeout_ms: z.number().int().positive().default(10_000),
      /** Fetch URLs on private and loopback addresses too (off: a caller could reach the gateway's own network). */
      allow_private_hosts: z.boolean().default(false),
    })
    .prefault({}),
  /** Where cached responses are kept; routes opt in with `response_cache`. */
  response_cache: z
    .strictObject({
      store: z.enum(['memory', 'sqlite', 'redis']).default('memory'),
      /** sqlite: the file (default beside the ledger); redis: the URL (default governance.redis_url). */
      path: nonEmpty.optional(),
      url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
      ttl_ms: z.number().int().positive().default(3_600_000),
      max_entries: z.number().int().positive().default(10_000),
      max_bytes: z.number().int().positive().default(64 * 1024 * 1024),
    })
    .prefault({}),
  /** Virtual keys, rate limits, budgets and alerts (src/governance/README.md). */
  governance: governanceSchema.prefault({}),
  /** Price catalog overrides and additions, keyed `provider/model`, `family/model` or a model name (src/pricing/README.md). */
  pricing: pricingOverridesSchema.default({}),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ProviderEntry = z.infer<typeof providerSchema>;
export type ModelEntry = z.infer<typeof modelSchema>;
export type RouteEntry = z.infer<typeof routeSchema>;
export type RuleEntry = z.infer<typeof ruleSchema>;
export type RetryEntry = z.infer<typeof retrySchema>;
export type RoutingEntry = z.infer<typeof routingSchema>;
