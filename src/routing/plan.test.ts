import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/types.js';
import { GatewayError } from '../errors/catalogue.js';
import { HealthRegistry } from './health.js';
import { describePlan, planRoute, unfit, type PlanContext, type PriceLookup, type RoutePlan } from './plan.js';
import type { WorkloadProfile } from './profile.js';

function profileWith(overrides: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    task: '',
    inputTokens: 1_000,
    images: 0,
    documents: 0,
    tools: 0,
    maxOutputTokens: 0,
    stream: false,
    reasoning: false,
    structuredOutput: false,
    latency: 'interactive',
    messages: 1,
    protocol: 'openai-chat',
    session: '',
    trace: { turns: 0, toolCalls: 0, tokens: 0 },
    ...overrides,
  };
}

const CONFIG = `
providers:
  openai: { kind: openai }
  anthropic: { kind: anthropic }
  local: { kind: openai-compatible, base_url: "http://127.0.0.1:9000/v1" }

models:
  openai/small: { context_window: 16000, max_output: 4000, capabilities: [tools, streaming], price: { input: 0.1, output: 0.4 } }
  openai/vision: { context_window: 128000, reliable_context: 64000, capabilities: [vision, tools, documents], price: { input: 2, output: 8 } }
  openai/text-only: { capabilities: [streaming] }
  openai/renamed: { upstream: gpt-real-name }
  anthropic/big: { context_window: 1000000, max_output: 64000, capabilities: [vision, tools, documents, reasoning], price: { input: 3, output: 15 } }
  local/undeclared: {}
  local/input-cheap: { price: { input: 1, output: 10 } }
  local/output-cheap: { price: { input: 3, output: 2 } }

routes:
  auto:
    targets: [openai/small]
    fallbacks: [anthropic/big]
    rules:
      - name: long
        when: input_tokens > 50000
        targets: [anthropic/big]
      - name: pictures
        when: images > 0
        targets: [openai/vision]
        fallbacks: [anthropic/big, openai/vision]
      - name: agents
        when: trace.turns >= 10
        use: agent
  agent:
    targets: [anthropic/big]
    rules:
      - name: heavy-tools
        when: trace.tool_calls_per_turn > 2
        use: tools-heavy
  tools-heavy:
    targets: [openai/small, anthropic/big]
    strategy: least-busy
    retry: { attempts_per_target: 3, max_attempts: 4, backoff_ms: 50, max_backoff_ms: 400, deadline_ms: 9000 }
    hedge: { after: 500 }
    timeouts: { first_token_ms: 8000 }
  duplicates:
    targets: [openai/small, openai/small, anthropic/big]
    fallbacks: [anthropic/big, openai/vision, openai/small, openai/vision]
  ordered:
    targets: [anthropic/big, openai/small, openai/vision]
  weighted:
    strategy: weighted
    targets: [{ model: openai/small, weight: 1 }, { model: anthropic/big, weight: 3 }, { model: openai/vision, weight: 6 }]
  fastest:
    strategy: least-latency
    targets: [openai/small, anthropic/big, local/undeclared, openai/vision]
  idlest:
    strategy: least-busy
    targets: [openai/small, anthropic/big, local/undeclared, openai/vision]
  cheapest:
    strategy: lowest-cost
    targets: [local/undeclared, anthropic/big, openai/vision, openai/small]
  cost-shape:
    strategy: lowest-cost
    targets: [local/input-cheap, local/output-cheap]
  rule-strategy:
    strategy: least-busy
    targets: [openai/small]
    rules:
      - name: inherits
        when: tools > 0
        targets: [openai/small, anthropic/big]
      - name: own
        when: images > 0
        strategy: priority
        targets: [openai/small, anthropic/big]
`;

const config: GatewayConfig = parseConfig(CONFIG, 'test.yaml', { env: {} });

/** USD per million tokens from the config's price catalog, which holds each model's `price:`. */
const prices: PriceLookup = (target) => {
  const provider = config.providers.get(target.provider);
  if (provider === undefined) return undefined;
  const price = config.prices.lookup({ kind: provider.kind, model: target.upstreamModel, provider: provider.name });
  return price === undefined ? undefined : { input: price.rates.input / 1e6, output: price.rates.output / 1e6 };
};

function plan(name: string, profile: WorkloadProfile = profileWith(), context: Partial<PlanContext> = {}): RoutePlan {
  return planRoute(name, profile, { config, health: new HealthRegistry(), prices, explain: true, ...context });
}

const ids = (routePlan: RoutePlan): string[] => routePlan.candidates.map((candidate) => candidate.target.modelId);

function targetOf(routePlan: RoutePlan, index: number): Record<string, string> | undefined {
  const target = routePlan.candidates[index]?.target;
  return target === undefined ? undefined : { provider: target.provider, upstreamModel: target.upstreamModel, modelId: target.modelId };
}

describe('planRoute: rules', () => {
  test('the first matching rule wins, and explain shows the verdicts up to it', () => {
    const routePlan = plan('auto', profileWith({ inputTokens: 60_000, images: 2 }));
    assert.equal(routePlan.route, 'auto');
    assert.equal(routePlan.rule, 'long');
    assert.deepEqual(ids(routePlan), ['anthropic/big']);
    assert.deepEqual(routePlan.rules, [{ name: 'auto.long', when: 'input_tokens > 50000', matched: true }]);

    const pictures = plan('auto', profileWith({ images: 2 }));
    assert.equal(pictures.rule, 'pictures');
    assert.deepEqual(pictures.rules.map((verdict) => [verdict.name, verdict.matched]), [
      ['auto.long', false],
      ['auto.pictures', true],
    ]);
  });

  test('without explain, no verdicts are recorded but the decision is the same', () => {
    const routePlan = planRoute('auto', profileWith({ images: 1 }), { config, health: new HealthRegistry(), prices });
    assert.equal(routePlan.rule, 'pictures');
    assert.deepEqual(routePlan.rules, []);
  });

  test('no rule matches: the route’s own targets, then its fallbacks, with the default retry', () => {
    const routePlan = plan('auto');
    assert.equal(routePlan.rule, undefined);
    assert.deepEqual(routePlan.via, ['auto']);
    assert.equal(routePlan.strategy, 'priority');
    assert.deepEqual(
      routePlan.candidates.map((candidate) => [candidate.target.modelId, candidate.role, candidate.skip]),
      [
        ['openai/small', 'target', undefined],
        ['anthropic/big', 'fallback', undefined],
      ],
    );
    assert.deepEqual(routePlan.retry, config.routing.retry);
    assert.deepEqual(routePlan.retry, { attemptsPerTarget: 2, maxAttempts: 6, backoffMs: 200, maxBackoffMs: 5_000, deadlineMs: 120_000 });
    assert.equal(routePlan.hedge, undefined);
    assert.equal(routePlan.firstTokenMs, undefined);
  });

  test('`use` hands the request to another route, whose rules and policies then apply', () => {
    const routePlan = plan('auto', profileWith({ trace: { turns: 12, toolCalls: 36, tokens: 0 } }));
    assert.equal(routePlan.route, 'auto');
    assert.deepEqual(routePlan.via, ['auto', 'agent', 'tools-heavy']);
    assert.equal(routePlan.rule, undefined, 'tools-heavy has no rules: its own targets');
    assert.equal(routePlan.strategy, 'least-busy');
    assert.deepEqual(ids(routePlan), ['openai/small', 'anthropic/big']);
    assert.deepEqual(routePlan.retry, { attemptsPerTarget: 3, maxAttempts: 4, backoffMs: 50, maxBackoffMs: 400, deadlineMs: 9_000 });
    assert.deepEqual(routePlan.hedge, { after: 500, fallbackMs: 2_000 });
    assert.equal(routePlan.firstTokenMs, 8_000);
    assert.deepEqual(
      routePlan.rules.map((verdict) => [verdict.name, verdict.matched]),
      [
        ['auto.long', false],
        ['auto.pictures', false],
        ['auto.agents', true],
        ['agent.heavy-tools', true],
      ],
    );
  });

  test('`use` stops at the route where no rule matches', () => {
    const routePlan = plan('auto', profileWith({ trace: { turns: 12, toolCalls: 12, tokens: 0 } }));
    assert.deepEqual(routePlan.via, ['auto', 'agent']);
    assert.deepEqual(ids(routePlan), ['anthropic/big']);
    assert.deepEqual(routePlan.retry, config.routing.retry);
  });

  test('a rule’s targets use its own strategy, or the route’s', () => {
    assert.equal(plan('rule-strategy', profileWith({ tools: 1 })).strategy, 'least-busy');
    assert.equal(plan('rule-strategy', profileWith({ images: 1 })).strategy, 'priority');
  });
});

describe('planRoute: candidates', () => {
  test('fallbacks follow the targets; a deployment appears once, in its first place', () => {
    assert.deepEqual(
      plan('duplicates').candidates.map((candidate) => [candidate.target.modelId, candidate.role]),
      [
        ['openai/small', 'target'],
        ['anthropic/big', 'target'],
        ['openai/vision', 'fallback'],
      ],
    );
    const pictures = plan('auto', profileWith({ images: 1 }));
    assert.deepEqual(
      pictures.candidates.map((candidate) => [candidate.target.modelId, candidate.role]),
      [
        ['openai/vision', 'target'],
        ['anthropic/big', 'fallback'],
      ],
    );
  });

  test('each candidate carries its catalog entry and its reason to be skipped', () => {
    const routePlan = plan('auto', profileWith({ inputTokens: 20_000 }));
    const [small, big] = routePlan.candidates;
    assert.equal(small?.model?.id, 'openai/small');
    assert.equal(small?.skip, 'input of ~20000 tokens exceeds its context window of 16000');
    assert.equal(big?.skip, undefined);
  });
});

describe('unfit: what the model config declares', () => {
  const model = (id: string) => config.models.get(id);

  test('input over the context window, or over a smaller reliable context', () => {
    assert.match(unfit(model('openai/small'), profileWith({ inputTokens: 16_001 })) ?? '', /context window of 16000/);
    assert.equal(unfit(model('openai/small'), profileWith({ inputTokens: 16_000 })), undefined, 'exactly the window fits');
    assert.match(unfit(model('openai/vision'), profileWith({ inputTokens: 70_000 })) ?? '', /reliable context of 64000/);
    assert.equal(unfit(model('openai/vision'), profileWith({ inputTokens: 64_000 })), undefined);
  });

  test('an output cap above the model’s maximum output', () => {
    assert.equal(unfit(model('openai/small'), profileWith({ maxOutputTokens: 8_000 })), 'asks for 8000 output tokens; it writes at most 4000');
    assert.equal(unfit(model('openai/small'), profileWith({ maxOutputTokens: 4_000 })), undefined);
  });

  test('images, documents and tools need the declared capability', () => {
    assert.match(unfit(model('openai/small'), profileWith({ images: 1 })) ?? '', /no vision capability/);
    assert.match(unfit(model('openai/small'), profileWith({ documents: 1 })) ?? '', /no documents capability/);
    assert.match(unfit(model('openai/text-only'), profileWith({ tools: 2 })) ?? '', /no tools capability/);
    assert.equal(unfit(model('openai/vision'), profileWith({ images: 1, documents: 1, tools: 1 })), undefined);
  });

  test('undeclared capabilities, windows and caps mean no opinion', () => {
    const everything = profileWith({ inputTokens: 5_000_000, maxOutputTokens: 500_000, images: 3, documents: 2, tools: 9 });
    assert.equal(unfit(model('local/undeclared'), everything), undefined);
    assert.equal(unfit(undefined, everything), undefined, 'a provider/model outside the catalog');
  });
});

describe('planRoute: strategies', () => {
  test('priority keeps the configured order, whatever health says', () => {
    const health = new HealthRegistry();
    health.get('anthropic/big').started();
    health.get('anthropic/big').succeeded(5_000);
    health.get('anthropic/big').started();
    assert.deepEqual(ids(plan('ordered', profileWith(), { health })), ['anthropic/big', 'openai/small', 'openai/vision']);
  });

  test('weighted: each order holds every target once, drawn by the injected random source', () => {
    assert.deepEqual(ids(plan('weighted', profileWith(), { random: () => 0 })), ['openai/small', 'anthropic/big', 'openai/vision']);
    assert.deepEqual(ids(plan('weighted', profileWith(), { random: () => 0.999 })), ['openai/vision', 'anthropic/big', 'openai/small']);
    // 0.35 × 10 = 3.5 falls in big's share (1–4); then 0.35 × 7 = 2.45 falls in vision's (1–7).
    assert.deepEqual(ids(plan('weighted', profileWith(), { random: () => 0.35 })), ['anthropic/big', 'openai/vision', 'openai/small']);
  });

  test('weighted: first picks over many draws follow the weights 1 : 3 : 6', () => {
    const random = evenlySpread();
    const draws = 6_000;
    const firsts = new Map<string, number>();
    for (let index = 0; index < draws; index += 1) {
      const first = ids(plan('weighted', profileWith(), { random, explain: false }))[0]!;
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    const share = (id: string): number => (firsts.get(id) ?? 0) / draws;
    assert.ok(Math.abs(share('openai/small') - 0.1) < 0.02, `small ${share('openai/small')}`);
    assert.ok(Math.abs(share('anthropic/big') - 0.3) < 0.03, `big ${share('anthropic/big')}`);
    assert.ok(Math.abs(share('openai/vision') - 0.6) < 0.03, `vision ${share('openai/vision')}`);
  });

  test('least-latency: unmeasured deployments first, then by average time to first token', () => {
    const health = new HealthRegistry();
    const measure = (id: string, ttftMs: number): void => {
      health.get(id).started();
      health.get(id).succeeded(ttftMs);
    };
    measure('openai/small', 300);
    measure('anthropic/big', 100);
    measure('openai/vision', 200);
    assert.deepEqual(ids(plan('fastest', profileWith(), { health })), ['local/undeclared', 'anthropic/big', 'openai/vision', 'openai/small']);
    measure('local/undeclared', 900);
    measure('anthropic/big', 2_000);
    assert.deepEqual(ids(plan('fastest', profileWith(), { health })), ['openai/vision', 'openai/small', 'anthropic/big', 'local/undeclared']);
  });

  test('least-busy: fewest requests in flight first, ties in configured order', () => {
    const health = new HealthRegistry();
    const busy = (id: string, count: number): void => {
      for (let index = 0; index < count; index += 1) health.get(id).started();
    };
    busy('openai/small', 3);
    busy('anthropic/big', 1);
    busy('local/undeclared', 2);
    busy('openai/vision', 1);
    assert.deepEqual(ids(plan('idlest', profileWith(), { health })), ['anthropic/big', 'openai/vision', 'local/undeclared', 'openai/small']);
  });

  test('lowest-cost: by the configured prices, unknown prices last', () => {
    assert.deepEqual(ids(plan('cheapest')), ['openai/small', 'openai/vision', 'anthropic/big', 'local/undeclared']);
  });

  test('lowest-cost weighs input and output by the request’s own size and cap', () => {
    // Short input, no cap (1,000 output tokens assumed): output price dominates.
    assert.deepEqual(ids(plan('cost-shape', profileWith({ inputTokens: 1_000 }))), ['local/output-cheap', 'local/input-cheap']);
    // Long input, small cap: input price dominates.
    assert.deepEqual(ids(plan('cost-shape', profileWith({ inputTokens: 100_000, maxOutputTokens: 100 }))), ['local/input-cheap', 'local/output-cheap']);
  });
});

describe('planRoute: provider/model named directly', () => {
  test('a catalog entry: its provider, upstream name and config', () => {
    const routePlan = plan('openai/renamed');
    assert.equal(routePlan.route, undefined);
    assert.deepEqual(routePlan.via, []);
    assert.equal(routePlan.strategy, 'priority');
    assert.deepEqual(routePlan.retry, config.routing.retry);
    assert.equal(routePlan.candidates.length, 1);
    assert.deepEqual(targetOf(routePlan, 0), { provider: 'openai', upstreamModel: 'gpt-real-name', modelId: 'openai/renamed' });
    assert.equal(routePlan.candidates[0]?.model?.id, 'openai/renamed');
  });

  test('a model outside the catalog on a configured provider goes as named', () => {
    const routePlan = plan('anthropic/claude-next', profileWith({ images: 4, inputTokens: 9_000_000 }));
    assert.equal(routePlan.candidates.length, 1);
    assert.deepEqual(targetOf(routePlan, 0), { provider: 'anthropic', upstreamModel: 'claude-next', modelId: 'anthropic/claude-next' });
    assert.deepEqual([routePlan.candidates[0]?.model, routePlan.candidates[0]?.role, routePlan.candidates[0]?.skip], [undefined, 'target', undefined]);
  });

  test('a catalog entry is still checked against the request', () => {
    assert.match(plan('openai/small', profileWith({ images: 1 })).candidates[0]?.skip ?? '', /vision/);
  });

  test('anything else is model_not_found, naming the providers and routes', () => {
    for (const name of ['gpt-unknown', 'mistral/large', 'openai/', '/small', '']) {
      assert.throws(
        () => plan(name),
        (error: unknown) => {
          assert.ok(error instanceof GatewayError, String(error));
          assert.equal(error.code, 'model_not_found');
          assert.equal(error.status, 404);
          assert.equal(error.param, 'model');
          assert.match(error.message, /openai, anthropic, local/);
          assert.match(error.message, /routes: auto, agent/);
          return true;
        },
        name,
      );
    }
  });
});

describe('describePlan', () => {
  test('the explain shape, with skip reasons from the config and from health', () => {
    const health = new HealthRegistry();
    const now = 1_000_000;
    const big = health.get('anthropic/big');
    for (let index = 0; index < config.routing.breaker.consecutiveFailures; index += 1) {
      big.started();
      big.failed(config.routing.breaker, now - 1_000);
    }
    health.get('openai/vision').coolDown(now + 5_000);
    const routePlan = plan('duplicates', profileWith({ inputTokens: 20_000 }), { health });
    assert.deepEqual(describePlan(routePlan, health, now), {
      route: 'duplicates',
      via: ['duplicates'],
      rule: null,
      rules: [],
      strategy: 'priority',
      candidates: [
        { model: 'openai/small', provider: 'openai', upstream_model: 'small', role: 'target', decision: 'skip', reason: 'input of ~20000 tokens exceeds its context window of 16000' },
        { model: 'anthropic/big', provider: 'anthropic', upstream_model: 'big', role: 'target', decision: 'skip', reason: `breaker-open for ${config.routing.breaker.openMs - 1_000} ms` },
        { model: 'openai/vision', provider: 'openai', upstream_model: 'vision', role: 'fallback', decision: 'skip', reason: 'cooling-down for 5000 ms' },
      ],
      retry: { attempts_per_target: 2, max_attempts: 6, deadline_ms: 120_000 },
      hedge: null,
    });
  });

  test('a deployment that can take the request is tried; rules and hedge are shown', () => {
    const health = new HealthRegistry();
    const routePlan = plan('auto', profileWith({ trace: { turns: 12, toolCalls: 36, tokens: 0 } }), { health });
    const described = describePlan(routePlan, health, 0);
    assert.equal(described.rule, null);
    assert.deepEqual(described.via, ['auto', 'agent', 'tools-heavy']);
    assert.deepEqual(described.hedge, { after: 500 });
    assert.deepEqual(described.retry, { attempts_per_target: 3, max_attempts: 4, deadline_ms: 9_000 });
    assert.deepEqual(
      (described.candidates as Array<Record<string, unknown>>).map((candidate) => [candidate.model, candidate.decision, 'reason' in candidate]),
      [
        ['openai/small', 'try', false],
        ['anthropic/big', 'try', false],
      ],
    );
    assert.equal((described.rules as unknown[]).length, 4);
  });
});

/** Draws spread evenly over [0, 1) (multiples of the golden ratio, modulo 1): repeatable, and close to the weights at any length. */
function evenlySpread(): () => number {
  let state = 0;
  return () => {
    state = (state + 0.618_033_988_749_895) % 1;
    return state;
  };
}
