/**
 * Routing's decision, made without calling a provider: which route and rule apply to a request, and
 * which deployments to try in which order, each with the reason it was kept or skipped. The same plan
 * drives the attempt loop and `POST /v1/route/explain`.
 */
import type { GatewayConfig, HedgePolicy, ModelConfig, RetryPolicy, RouteConfig, Strategy, TargetChoice, TargetRef, WeightedTarget } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import type { HealthRegistry } from './health.js';
import type { WorkloadProfile } from './profile.js';

export interface Candidate {
  target: TargetRef;
  model: ModelConfig | undefined;
  role: 'target' | 'fallback';
  /** Why it cannot take this request at all (checked before sending); undefined = it can. */
  skip: string | undefined;
}

export interface RulesVerdict {
  name: string;
  when: string;
  matched: boolean;
}

export interface RoutePlan {
  /** The route alias, or undefined when the caller named a provider/model directly. */
  route: string | undefined;
  /** Routes followed through a rule's `use`, in order (the first is `route`). */
  via: string[];
  rule: string | undefined;
  rules: RulesVerdict[];
  strategy: Strategy;
  candidates: Candidate[];
  retry: RetryPolicy;
  hedge: HedgePolicy | undefined;
  firstTokenMs: number | undefined;
}

/** USD per million tokens for input and output, or undefined when unknown. */
export type PriceLookup = (target: TargetRef, model: ModelConfig | undefined) => { input: number; output: number } | undefined;

export interface PlanContext {
  config: GatewayConfig;
  health: HealthRegistry;
  prices: PriceLookup;
  /** Random source for the weighted strategy (injectable for tests). */
  random?: () => number;
  /** Record every rule's verdict (explain); off on the request path, where only the match matters. */
  explain?: boolean;
  now?: number;
}

/** Output tokens assumed by the lowest-cost strategy when the caller set no cap. */
const TYPICAL_OUTPUT_TOKENS = 1_000;

export function planRoute(name: string, profile: WorkloadProfile, context: PlanContext): RoutePlan {
  const { config } = context;
  const route = config.routes.get(name);
  if (route === undefined) return directPlan(name, profile, context);
  const via = [route.alias];
  const rules: RulesVerdict[] = [];
  let current: RouteConfig = route;
  for (;;) {
    const matched = firstMatch(current, profile, context.explain === true ? rules : undefined);
    if (matched?.use !== undefined) {
      current = config.routes.get(matched.use)!;
      via.push(current.alias);
      continue;
    }
    const choice = matched?.choice ?? current.choice;
    return {
      route: route.alias,
      via,
      rule: matched?.name,
      rules,
      strategy: choice.strategy,
      candidates: candidatesFor(choice, profile, context),
      retry: current.retry,
      hedge: current.hedge,
      firstTokenMs: current.firstTokenMs,
    };
  }
}

function firstMatch(route: RouteConfig, profile: WorkloadProfile, verdicts: RulesVerdict[] | undefined): RouteConfig['rules'][number] | undefined {
  for (const rule of route.rules) {
    const matched = rule.matches(profile);
    verdicts?.push({ name: `${route.alias}.${rule.name}`, when: rule.when, matched });
    if (matched) return rule;
  }
  return undefined;
}

function directPlan(name: string, profile: WorkloadProfile, context: PlanContext): RoutePlan {
  const target = resolveDirect(context.config, name);
  const choice: TargetChoice = { targets: [{ ...target, weight: 1 }], fallbacks: [], strategy: 'priority' };
  return {
    route: undefined,
    via: [],
    rule: undefined,
    rules: [],
    strategy: 'priority',
    candidates: candidatesFor(choice, profile, context),
    retry: context.config.routing.retry,
    hedge: undefined,
    firstTokenMs: undefined,
  };
}

/** `provider/model` (or a `models` key) into a target; model_not_found naming what exists otherwise. */
export function resolveDirect(config: GatewayConfig, name: string): TargetRef {
  const known = config.models.get(name);
  if (known !== undefined) return { provider: known.provider, upstreamModel: known.upstream, modelId: known.id };
  const slash = name.indexOf('/');
  if (slash > 0 && slash < name.length - 1 && config.providers.has(name.slice(0, slash))) {
    return { provider: name.slice(0, slash), upstreamModel: name.slice(slash + 1), modelId: name };
  }
  const hint = config.routes.size > 0 ? `; routes: ${[...config.routes.keys()].slice(0, 10).join(', ')}` : '';
  throw new GatewayError(
    'model_not_found',
    `The model "${name}" does not exist here: name a route alias or provider/model with a configured provider (${[...config.providers.keys()].join(', ') || 'none configured'})${hint}`,
    { param: 'model' },
  );
}

function candidatesFor(choice: TargetChoice, profile: WorkloadProfile, context: PlanContext): Candidate[] {
  const ordered = orderTargets(choice.strategy, choice.targets, profile, context);
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  const add = (target: TargetRef, role: Candidate['role']): void => {
    if (seen.has(target.modelId)) return;
    seen.add(target.modelId);
    const model = context.config.models.get(target.modelId);
    candidates.push({ target, model, role, skip: unfit(model, profile) });
  };
  for (const target of ordered) add(target, 'target');
  for (const target of choice.fallbacks) add(target, 'fallback');
  return candidates;
}

/** Why a model cannot serve this request, judged on what its config declares (undeclared = no opinion). */
export function unfit(model: ModelConfig | undefined, profile: WorkloadProfile): string | undefined {
  if (model === undefined) return undefined;
  const window = model.reliableContext ?? model.contextWindow;
  // Sliding and middle truncation make a long request fit at the attempt instead.
  const adapts = model.contextPolicy?.mode === 'slide' || model.contextPolicy?.mode === 'truncate-middle';
  if (window !== undefined && profile.inputTokens > window && !adapts) {
    const which = model.reliableContext !== undefined && model.reliableContext !== model.contextWindow ? 'reliable context' : 'context window';
    return `input of ~${profile.inputTokens} tokens exceeds its ${which} of ${window}`;
  }
  if (model.maxOutput !== undefined && profile.maxOutputTokens > model.maxOutput) {
    return `asks for ${profile.maxOutputTokens} output tokens; it writes at most ${model.maxOutput}`;
  }
  if (model.capabilities.size === 0) return undefined;
  if (profile.images > 0 && !model.capabilities.has('vision')) return 'the request has images and the model has no vision capability';
  if (profile.documents > 0 && !model.capabilities.has('documents')) return 'the request has documents and the model has no documents capability';
  if (profile.tools > 0 && !model.capabilities.has('tools')) return 'the request offers tools and the model has no tools capability';
  return undefined;
}

function orderTargets(strategy: Strategy, targets: WeightedTarget[], profile: WorkloadProfile, context: PlanContext): TargetRef[] {
  switch (strategy) {
    case 'priority':
      return targets;
    case 'weighted':
      return weightedOrder(targets, context.random ?? Math.random);
    case 'least-latency':
      // Deployments without samples go first so they get measured.
      return stableSortBy(targets, (target) => context.health.get(target.modelId).averageTtft() ?? -1);
    case 'least-busy':
      return stableSortBy(targets, (target) => context.health.get(target.modelId).inFlight);
    case 'lowest-cost':
      return stableSortBy(targets, (target) => {
        const price = context.prices(target, context.config.models.get(target.modelId));
        if (price === undefined) return Number.POSITIVE_INFINITY;
        const output = profile.maxOutputTokens > 0 ? profile.maxOutputTokens : TYPICAL_OUTPUT_TOKENS;
        return profile.inputTokens * price.input + output * price.output;
      });
  }
}

function stableSortBy<T>(items: T[], key: (item: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index, key: key(item) }))
    .sort((a, b) => a.key - b.key || a.index - b.index)
    .map((entry) => entry.item);
}

/** A random order where each next target is drawn with probability proportional to its weight. */
function weightedOrder(targets: WeightedTarget[], random: () => number): TargetRef[] {
  const pool = [...targets];
  const order: TargetRef[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((sum, target) => sum + target.weight, 0);
    let draw = random() * total;
    let index = pool.findIndex((target) => (draw -= target.weight) < 0);
    if (index < 0) index = pool.length - 1;
    order.push(pool[index]!);
    pool.splice(index, 1);
  }
  return order;
}

/** The plan as `POST /v1/route/explain` returns it. */
export function describePlan(plan: RoutePlan, health: HealthRegistry, now: number = Date.now()): Record<string, unknown> {
  return {
    route: plan.route ?? null,
    via: plan.via,
    rule: plan.rule ?? null,
    rules: plan.rules,
    strategy: plan.strategy,
    candidates: plan.candidates.map((candidate) => {
      const unavailable = health.get(candidate.target.modelId).unavailable(now);
      const reason = candidate.skip ?? (unavailable === undefined ? undefined : `${unavailable.reason} for ${Math.max(0, unavailable.until - now)} ms`);
      return {
        model: candidate.target.modelId,
        provider: candidate.target.provider,
        upstream_model: candidate.target.upstreamModel,
        role: candidate.role,
        decision: reason === undefined ? 'try' : 'skip',
        ...(reason !== undefined && { reason }),
      };
    }),
    retry: {
      attempts_per_target: plan.retry.attemptsPerTarget,
      max_attempts: plan.retry.maxAttempts,
      deadline_ms: plan.retry.deadlineMs,
    },
    hedge: plan.hedge === undefined ? null : { after: plan.hedge.after },
  };
}
