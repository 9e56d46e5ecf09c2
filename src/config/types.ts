import type { ProviderKind } from '../providers/kinds.js';
import type { CompiledPredicate } from '../routing/expression.js';
import type { BreakerPolicy } from '../routing/health.js';
import type { PriceCatalog } from '../pricing/catalog.js';

/** The validated, frozen configuration the gateway runs on (camelCase; see schema.ts for the file). */
export interface GatewayConfig {
  readonly server: ServerConfig;
  readonly providers: ReadonlyMap<string, ProviderConfig>;
  /** The model catalog, keyed `provider/model`. */
  readonly models: ReadonlyMap<string, ModelConfig>;
  /** Route aliases clients may name instead of a model. */
  readonly routes: ReadonlyMap<string, RouteConfig>;
  readonly routing: RoutingConfig;
  readonly ledger: { enabled: boolean; url: string; windowMs: number };
  readonly governance: GovernanceConfig;
  readonly responseCache: ResponseCacheConfig;
  readonly media: { maxBytes: number; timeoutMs: number; allowPrivateHosts: boolean };
  /** The shipped price catalog with the config's overrides (and models' `price:`) applied. */
  readonly prices: PriceCatalog;
}

export interface RoutingConfig {
  breaker: BreakerPolicy;
  /** For routes without their own policy and for plain provider/model requests. */
  retry: RetryPolicy;
  credentialsCooldownMs: number;
  maxSessions: number;
  sessionTtlMs: number;
  promptCache: 'auto' | 'off';
}

export interface ServerConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  shutdownGraceMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export interface ProviderConfig {
  name: string;
  kind: ProviderKind;
  /** Without a trailing slash. */
  baseUrl: string;
  /** Undefined when neither the config nor the environment supplies one. */
  apiKey: string | undefined;
  /** Where the key was looked for, to say so when it is missing ("config" or a variable name). */
  apiKeySource: string | undefined;
  apiVersion: string | undefined;
  /** Vertex AI project and location. */
  project: string | undefined;
  location: string | undefined;
  headers: Record<string, string>;
  /** Lower-cased names of client headers passed on as they came. */
  forwardHeaders: string[];
  timeouts: ProviderTimeouts;
  maxConnections: number | undefined;
  /** URL images and documents are downloaded and sent inline. */
  inlineMedia: boolean;
}

export interface ProviderTimeouts {
  connectMs: number;
  /** Until the response headers arrive (for a stream: until the provider starts answering). */
  firstByteMs: number;
  /** Longest silence between two body chunks. */
  idleMs: number;
  totalMs: number;
}

export interface ModelConfig {
  id: string;
  provider: string;
  upstream: string;
  contextWindow: number | undefined;
  /** Tokens up to which the model stays reliable (defaults to the context window). */
  reliableContext: number | undefined;
  maxOutput: number | undefined;
  capabilities: ReadonlySet<string>;
  /** USD per million tokens, when the config sets it (otherwise the price catalog decides). */
  price: ModelPriceOverride | undefined;
  /** Requests and tokens per minute this deployment may take (across replicas when counters are shared). */
  rpm: number | undefined;
  tpm: number | undefined;
  /** Beyond the reliable window: undefined = escalate (skip to a larger window). */
  contextPolicy: ContextPolicyConfig | undefined;
}

export type ContextPolicyConfig = { mode: 'refuse' } | { mode: 'escalate' } | { mode: 'truncate-middle' } | { mode: 'slide'; keepLastTurns: number };

export interface ResponseCacheConfig {
  store: 'memory' | 'sqlite' | 'redis';
  path: string | undefined;
  url: string | undefined;
  ttlMs: number;
  maxEntries: number;
  maxBytes: number;
}

export interface ModelPriceOverride {
  input: number;
  output: number;
  cachedInput?: number;
  cacheWrite?: number;
}

export type Strategy = 'priority' | 'weighted' | 'least-latency' | 'least-busy' | 'lowest-cost';

export interface RetryPolicy {
  attemptsPerTarget: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  deadlineMs: number;
}

export interface HedgePolicy {
  /** Fixed delay, or `p95` of the deployment's time to first token. */
  after: number | 'p95';
  fallbackMs: number;
}

/** Targets to try, how to order them, and what to fall back to once they are exhausted. */
export interface TargetChoice {
  targets: WeightedTarget[];
  fallbacks: TargetRef[];
  strategy: Strategy;
}

export interface RuleConfig {
  name: string;
  /** The `when` expression as written, for explain output. */
  when: string;
  matches: CompiledPredicate;
  /** Exactly one of `choice` and `use` is set. */
  choice: TargetChoice | undefined;
  use: string | undefined;
}

export interface RouteConfig {
  alias: string;
  description: string | undefined;
  rules: RuleConfig[];
  /** When no rule matches. */
  choice: TargetChoice;
  retry: RetryPolicy;
  hedge: HedgePolicy | undefined;
  firstTokenMs: number | undefined;
  /** Provider prompt caching; undefined follows routing.cache. */
  promptCache: 'auto' | 'off' | undefined;
  /** Exact-match response cache TTL when the route opted in. */
  responseCache: { ttlMs: number | undefined } | undefined;
}

/** One place a request can be sent: a provider and the model name it knows. */
export interface TargetRef {
  provider: string;
  upstreamModel: string;
  /** The public `provider/model` name. */
  modelId: string;
}

export interface WeightedTarget extends TargetRef {
  weight: number;
}

export type FailurePolicy = 'fail-open' | 'fail-closed';

export interface WebhookConfig {
  url: string;
  format: 'json' | 'slack';
  events: readonly AlertEventKind[] | undefined;
}

export type AlertEventKind = 'budget_threshold' | 'budget_exhausted' | 'breaker_opened' | 'spend_jump';

export interface GovernanceConfig {
  adminKey: string | undefined;
  redisUrl: string | undefined;
  redisKeyPrefix: string;
  onRedisUnavailable: { rateLimits: FailurePolicy; budgets: FailurePolicy };
  estimatedOutputTokens: number;
  taskTtlMs: number;
  alerts: { webhooks: readonly WebhookConfig[]; spendJump: { factor: number; minUsd: number } };
}
