import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_AZURE_API_VERSION, PROVIDER_PROFILES, type ProviderKind, type ProviderProfile } from '../providers/kinds.js';
import { buildPriceCatalog, type PricingOverrides } from '../pricing/index.js';
import { compileExpression, ExpressionError } from '../routing/expression.js';
import { configFileSchema, type ConfigFile, type ModelEntry, type RetryEntry, type RouteEntry } from './schema.js';
import type { ContextPolicyConfig, GatewayConfig, GovernanceConfig, ModelConfig, ProviderConfig, RetryPolicy, RouteConfig, RuleConfig, TargetChoice, TargetRef, WeightedTarget } from './types.js';

/** One problem in a config file, located by its path and line. */
export interface ConfigIssue {
  /** Dotted path to the field, e.g. `providers.openai.base_url`. */
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: ConfigIssue[]) {
    super(issues.map((issue) => formatIssue(source, issue)).join('\n'));
    this.name = 'ConfigError';
    this.source = source;
    this.issues = issues;
  }
}

export function formatIssue(source: string, issue: ConfigIssue): string {
  const where = issue.line === undefined ? source : `${source}:${issue.line}:${issue.column ?? 1}`;
  return `${where}: ${issue.path === '' ? '(top level)' : issue.path}: ${issue.message}`;
}

export interface LoadOptions {
  /** Environment for `${VAR}` interpolation and default key variables; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export function loadConfigFile(path: string, options: LoadOptions = {}): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(path, [{ path: '', message: `cannot read the config: ${reason}` }]);
  }
  return parseConfig(text, path, options);
}

/** Parse and validate config text; throws ConfigError listing every problem found. */
export function parseConfig(text: string, source = '<config>', options: LoadOptions = {}): GatewayConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { path: '', line: position.line, column: position.col, message: `YAML: ${error.message.split('\n')[0]}` };
      }),
    );
  }
  const locate = (path: ReadonlyArray<PropertyKey>): Pick<ConfigIssue, 'line' | 'column'> => locatePath(document, lineCounter, path);
  const env = options.env ?? process.env;
  const missing: ConfigIssue[] = [];
  const raw = interpolateTree(document.toJS() ?? {}, env, [], (path, name) => {
    missing.push({ path: dotted(path), ...locate(path), message: `environment variable ${name} is not set (write \${${name}:-default} for a fallback)` });
  });
  if (missing.length > 0) throw new ConfigError(source, missing);

  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(source, parsed.error.issues.map((issue) => toConfigIssue(issue, locate)));
  }
  const issues: ConfigIssue[] = [];
  const config = buildConfig(parsed.data, env, (path, message) => {
    issues.push({ path: dotted(path), ...locate(path), message });
  });
  if (issues.length > 0) throw new ConfigError(source, issues);
  return config;
}

function buildConfig(
  file: ConfigFile,
  env: Record<string, string | undefined>,
  report: (path: Array<string | number>, message: string) => void,
): GatewayConfig {
  const providers = new Map<string, ProviderConfig>();
  for (const [name, entry] of Object.entries(file.providers)) {
    const profile = PROVIDER_PROFILES[entry.kind as ProviderKind];
    if (entry.kind === 'vertex-gemini' && (entry.project === undefined || entry.location === undefined)) {
      report(['providers', name, entry.project === undefined ? 'project' : 'location'], 'required for kind vertex-gemini');
      continue;
    }
    const vertexUrl = entry.kind === 'vertex-gemini' ? `https://${entry.location}-aiplatform.googleapis.com` : undefined;
    const baseUrl = entry.base_url ?? vertexUrl ?? ('defaultBaseUrl' in profile ? profile.defaultBaseUrl : undefined);
    if (baseUrl === undefined) {
      report(['providers', name, 'base_url'], `required for kind ${entry.kind}`);
      continue;
    }
    const keyVariable = entry.api_key_env ?? ('apiKeyEnv' in profile ? profile.apiKeyEnv : undefined);
    const apiKey = entry.api_key ?? (keyVariable === undefined ? undefined : env[keyVariable]);
    providers.set(name, {
      name,
      kind: entry.kind as ProviderKind,
      baseUrl: baseUrl.replace(/\/+$/, ''),
      apiKey: apiKey === '' ? undefined : apiKey,
      apiKeySource: entry.api_key !== undefined ? 'config' : keyVariable,
      apiVersion: entry.api_version ?? (entry.kind === 'azure-openai' ? DEFAULT_AZURE_API_VERSION : undefined),
      project: entry.project,
      location: entry.location,
      headers: entry.headers ?? {},
      forwardHeaders: (entry.forward_headers ?? []).map((name) => name.toLowerCase()),
      timeouts: {
        connectMs: entry.timeouts?.connect_ms ?? 10_000,
        firstByteMs: entry.timeouts?.first_byte_ms ?? 120_000,
        idleMs: entry.timeouts?.idle_ms ?? 120_000,
        totalMs: entry.timeouts?.total_ms ?? 900_000,
      },
      maxConnections: entry.max_connections,
      inlineMedia: entry.inline_media ?? (PROVIDER_PROFILES[entry.kind] as ProviderProfile).inlineMedia === true,
    });
  }

  const models = new Map<string, ModelConfig>();
  for (const [id, entry] of Object.entries(file.models)) {
    const slash = id.indexOf('/');
    const providerName = id.slice(0, slash);
    if (!(providerName in file.providers)) {
      report(['models', id], `unknown provider "${providerName}" (configured: ${Object.keys(file.providers).join(', ') || 'none'})`);
      continue;
    }
    models.set(id, {
      id,
      provider: providerName,
      upstream: entry.upstream ?? id.slice(slash + 1),
      contextWindow: entry.context_window,
      reliableContext: entry.reliable_context ?? entry.context_window,
      maxOutput: entry.max_output,
      capabilities: new Set(entry.capabilities ?? []),
      price: entry.price === undefined ? undefined : { input: entry.price.input, output: entry.price.output, cachedInput: entry.price.cached_input, cacheWrite: entry.price.cache_write },
      contextPolicy: contextPolicy(entry.context_policy),
      rpm: entry.rpm,
      tpm: entry.tpm,
    });
    if (entry.reliable_context !== undefined && entry.context_window !== undefined && entry.reliable_context > entry.context_window) {
      report(['models', id, 'reliable_context'], `${entry.reliable_context} exceeds the context window (${entry.context_window})`);
    }
  }

  const defaultRetry = retryPolicy(file.routing.retry);
  const routes = new Map<string, RouteConfig>();
  for (const [alias, entry] of Object.entries(file.routes)) {
    routes.set(alias, buildRoute(alias, entry, defaultRetry, (path, target) => resolveTargetName(target, file.providers, models), report));
  }
  checkRuleDelegation(file.routes, report);
  return Object.freeze({
    server: Object.freeze({
      host: file.server.host,
      port: file.server.port,
      bodyLimitBytes: file.server.body_limit_bytes,
      shutdownGraceMs: file.server.shutdown_grace_ms,
      logLevel: file.server.log_level,
    }),
    providers,
    models,
    routes,
    ledger: Object.freeze({ enabled: file.ledger.enabled, url: file.ledger.url, windowMs: file.ledger.window_ms }),
    governance: governanceConfig(file.governance, env),
    media: Object.freeze({ maxBytes: file.media.max_bytes, timeoutMs: file.media.timeout_ms, allowPrivateHosts: file.media.allow_private_hosts }),
    responseCache: Object.freeze({
      store: file.response_cache.store,
      path: file.response_cache.path,
      url: file.response_cache.url,
      ttlMs: file.response_cache.ttl_ms,
      maxEntries: file.response_cache.max_entries,
      maxBytes: file.response_cache.max_bytes,
    }),
    prices: buildPriceCatalog(priceOverrides(file, models)),
    routing: Object.freeze({
      breaker: {
        consecutiveFailures: file.routing.breaker.consecutive_failures,
        errorRate: file.routing.breaker.error_rate,
        window: file.routing.breaker.window,
        minSamples: file.routing.breaker.min_samples,
        openMs: file.routing.breaker.open_ms,
      },
      retry: defaultRetry,
      credentialsCooldownMs: file.routing.credentials_cooldown_ms,
      maxSessions: file.routing.max_sessions,
      sessionTtlMs: file.routing.session_ttl_ms,
      promptCache: file.routing.cache,
    }),
  });
}

/** The `pricing:` section, plus each model's `price:` keyed by its provider and upstream name. */
function priceOverrides(file: ConfigFile, models: Map<string, ModelConfig>): PricingOverrides {
  const overrides: PricingOverrides = { ...file.pricing };
  for (const model of models.values()) {
    const key = `${model.provider}/${model.upstream}`;
    if (model.price === undefined || key in overrides) continue;
    overrides[key] = {
      input: model.price.input,
      output: model.price.output,
      ...(model.price.cachedInput !== undefined && { cached_input: model.price.cachedInput }),
      ...(model.price.cacheWrite !== undefined && { cache_write_5m: model.price.cacheWrite }),
      source: `config: models.${model.id}.price`,
    } as PricingOverrides[string];
  }
  return overrides;
}

type Report = (path: Array<string | number>, message: string) => void;
type Resolve = (path: Array<string | number>, target: string) => TargetRef | string;

function retryPolicy(entry: RetryEntry): RetryPolicy {
  return {
    attemptsPerTarget: entry.attempts_per_target,
    maxAttempts: entry.max_attempts,
    backoffMs: entry.backoff_ms,
    maxBackoffMs: entry.max_backoff_ms,
    deadlineMs: entry.deadline_ms,
  };
}

function buildRoute(alias: string, entry: RouteEntry, defaultRetry: RetryPolicy, resolve: Resolve, report: Report): RouteConfig {
  const path = ['routes', alias];
  const choice = buildChoice([...path], entry.targets, entry.fallbacks, entry.strategy, resolve, report);
  const rules: RuleConfig[] = [];
  const names = new Set<string>();
  (entry.rules ?? []).forEach((rule, index) => {
    const rulePath = [...path, 'rules', index];
    if (names.has(rule.name)) report([...rulePath, 'name'], `another rule of this route is already named "${rule.name}"`);
    names.add(rule.name);
    let matches;
    try {
      matches = compileExpression(rule.when);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      report([...rulePath, 'when'], `cannot read "${rule.when}": ${error.message}`);
      return;
    }
    if ((rule.targets === undefined) === (rule.use === undefined)) {
      report(rulePath, 'a rule needs exactly one of "targets" or "use"');
      return;
    }
    const ruleChoice = rule.targets === undefined ? undefined : buildChoice(rulePath, rule.targets, rule.fallbacks, rule.strategy ?? entry.strategy, resolve, report);
    rules.push({ name: rule.name, when: rule.when, matches, choice: ruleChoice, use: rule.use });
  });
  return {
    alias,
    description: entry.description,
    rules,
    choice,
    retry: entry.retry === undefined ? defaultRetry : retryPolicy(entry.retry),
    hedge: entry.hedge === undefined ? undefined : { after: entry.hedge.after, fallbackMs: entry.hedge.fallback_ms },
    promptCache: entry.cache,
    responseCache: entry.response_cache === undefined || entry.response_cache === false ? undefined : { ttlMs: entry.response_cache === true ? undefined : entry.response_cache.ttl_ms },
    firstTokenMs: entry.timeouts?.first_token_ms,
  };
}

function buildChoice(
  path: Array<string | number>,
  targets: RouteEntry['targets'],
  fallbacks: string[] | undefined,
  strategy: TargetChoice['strategy'],
  resolve: Resolve,
  report: Report,
): TargetChoice {
  const resolved: WeightedTarget[] = [];
  targets.forEach((target, index) => {
    const name = typeof target === 'string' ? target : target.model;
    const ref = resolve([...path, 'targets', index], name);
    if (typeof ref === 'string') report([...path, 'targets', index], ref);
    else resolved.push({ ...ref, weight: typeof target === 'string' ? 1 : target.weight });
  });
  const fallbackRefs: TargetRef[] = [];
  (fallbacks ?? []).forEach((name, index) => {
    const ref = resolve([...path, 'fallbacks', index], name);
    if (typeof ref === 'string') report([...path, 'fallbacks', index], ref);
    else fallbackRefs.push(ref);
  });
  return { targets: resolved, fallbacks: fallbackRefs, strategy };
}

/**
 * `use` must name a route, and following `use` must never come back to where it started. Read from
 * the file's entries, not the built routes: a rule dropped for another error must not shift the
 * index (and so the path and line) of the rules after it.
 */
function checkRuleDelegation(routes: ConfigFile['routes'], report: Report): void {
  const uses = (alias: string): string[] => (Object.hasOwn(routes, alias) ? (routes[alias]?.rules ?? []) : []).flatMap((rule) => (rule.use === undefined ? [] : [rule.use]));
  for (const [alias, entry] of Object.entries(routes)) {
    (entry.rules ?? []).forEach((rule, index) => {
      if (rule.use === undefined) return;
      if (!Object.hasOwn(routes, rule.use)) {
        report(['routes', alias, 'rules', index, 'use'], `no route "${rule.use}" (routes: ${Object.keys(routes).join(', ')})`);
        return;
      }
      // Every route is checked, so finding a way back to this one is enough to catch any cycle.
      const visited = new Set<string>();
      const queue = [rule.use];
      while (queue.length > 0) {
        const next = queue.pop()!;
        if (next === alias) {
          report(['routes', alias, 'rules', index, 'use'], `"use: ${rule.use}" leads back to route "${alias}" (a cycle)`);
          return;
        }
        if (visited.has(next)) continue;
        visited.add(next);
        queue.push(...uses(next));
      }
    });
  }
}

/** `provider/model` into a target, or a message saying why it cannot be one. */
function resolveTargetName(name: string, providers: ConfigFile['providers'], models: Map<string, ModelConfig>): TargetRef | string {
  const known = models.get(name);
  if (known !== undefined) return { provider: known.provider, upstreamModel: known.upstream, modelId: known.id };
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return `"${name}" is not provider/model`;
  const provider = name.slice(0, slash);
  if (!(provider in providers)) return `unknown provider "${provider}" (configured: ${Object.keys(providers).join(', ') || 'none'})`;
  return { provider, upstreamModel: name.slice(slash + 1), modelId: name };
}

/** Interpolate every string in the parsed YAML, reporting unset variables by path. */
function interpolateTree(
  value: unknown,
  env: Record<string, string | undefined>,
  path: Array<string | number>,
  onMissing: (path: Array<string | number>, name: string) => void,
): unknown {
  if (typeof value === 'string') {
    const result = interpolateEnv(value, env);
    if (result.missing !== undefined) onMissing(path, result.missing);
    return result.value;
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateTree(item, env, [...path, index], onMissing));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateTree(item, env, [...path, key], onMissing)]));
  }
  return value;
}

/** `${VAR}` and `${VAR:-default}`; reports the first unset variable without a default. */
export function interpolateEnv(value: string, env: Record<string, string | undefined>): { value: string; missing?: string } {
  let missing: string | undefined;
  const result = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    missing ??= name;
    return '';
  });
  return missing === undefined ? { value: result } : { value: result, missing };
}

function toConfigIssue(issue: z.core.$ZodIssue, locate: (path: ReadonlyArray<PropertyKey>) => Pick<ConfigIssue, 'line' | 'column'>): ConfigIssue {
  if (issue.code === 'unrecognized_keys') {
    const path = [...issue.path, issue.keys[0] ?? ''];
    return { path: dotted(path), ...locate(path), message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}` };
  }
  return { path: dotted(issue.path), ...locate(issue.path), message: issue.message };
}

function dotted(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`)).join('');
}

/** The line of the deepest node on `path` that exists in the document (a missing key points at its parent). */
function locatePath(document: Document, lineCounter: LineCounter, path: ReadonlyArray<PropertyKey>): Pick<ConfigIssue, 'line' | 'column'> {
  for (let length = path.length; length >= 0; length -= 1) {
    const prefix = path.slice(0, length).map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    const node = length === 0 ? document.contents : document.getIn(prefix, true);
    // For a key whose value failed, point at the key itself when the pair can be found.
    const keyNode = length > 0 ? findKeyNode(document, prefix) : undefined;
    const target = keyNode ?? node;
    if (isNode(target) && target.range) {
      const position = lineCounter.linePos(target.range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return {};
}

function findKeyNode(document: Document, path: Array<string | number>): unknown {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (parent && typeof parent === 'object' && 'items' in parent && Array.isArray(parent.items) && typeof last === 'string') {
    for (const item of parent.items as unknown[]) {
      if (item && typeof item === 'object' && 'key' in item) {
        const key = (item as { key: unknown }).key;
        if (isNode(key) && 'value' in key && key.value === last) return key;
      }
    }
  }
  return undefined;
}

function governanceConfig(entry: ConfigFile['governance'], env: Record<string, string | undefined>): GovernanceConfig {
  const fromEnv = env.SWITCHYARD_ADMIN_KEY;
  return Object.freeze({
    adminKey: entry.admin_key ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv),
    redisUrl: entry.redis_url,
    redisKeyPrefix: entry.redis_key_prefix,
    onRedisUnavailable: { rateLimits: entry.on_redis_unavailable.rate_limits, budgets: entry.on_redis_unavailable.budgets },
    estimatedOutputTokens: entry.estimated_output_tokens,
    taskTtlMs: entry.task_ttl_ms,
    alerts: {
      webhooks: entry.alerts.webhooks.map((hook) => ({ url: hook.url, format: hook.format, events: hook.events })),
      spendJump: { factor: entry.alerts.spend_jump.factor, minUsd: entry.alerts.spend_jump.min_usd },
    },
  });
}

function contextPolicy(entry: ModelEntry['context_policy']): ContextPolicyConfig | undefined {
  if (entry === undefined) return undefined;
  if (typeof entry === 'object') return { mode: 'slide', keepLastTurns: entry.slide.keep_last_turns };
  return entry === 'truncate_middle' ? { mode: 'truncate-middle' } : { mode: entry };
}
