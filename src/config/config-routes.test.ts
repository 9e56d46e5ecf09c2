import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkloadProfile } from '../routing/profile.js';
import { ConfigError, parseConfig, type ConfigIssue } from './load.js';

const PROVIDERS = `providers:
  openai: { kind: openai }
  anthropic: { kind: anthropic }
`;

const load = (text: string) => parseConfig(text, 'test.yaml', { env: {} });

/** The 1-based line of the first line containing `snippet` (the fixture's own text, so the test says which line it means). */
function lineOf(text: string, snippet: string, occurrence = 1): number {
  const lines = text.split('\n');
  let seen = 0;
  const index = lines.findIndex((line) => line.includes(snippet) && ++seen === occurrence);
  assert.ok(index >= 0, `fixture has no line with ${snippet}`);
  return index + 1;
}

/** Loads `text`, expects a ConfigError, and returns its issues. */
function issuesOf(text: string): ConfigIssue[] {
  try {
    load(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.issues;
  }
  assert.fail('the config loaded');
}

/** Asserts an issue at `path`, on `line`, with every fragment in its message, and that the rendered error names file:line. */
function assertIssue(text: string, path: string, line: number, ...fragments: string[]): void {
  let error: unknown;
  try {
    load(text);
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
  const issue = error.issues.find((candidate) => candidate.path === path);
  assert.ok(issue !== undefined, `no issue at ${path}; got ${error.issues.map((candidate) => `${candidate.path}: ${candidate.message}`).join(' | ')}`);
  assert.equal(issue.line, line, `line of ${path}: ${issue.message}`);
  for (const fragment of fragments) assert.ok(issue.message.includes(fragment), `"${issue.message}" should include "${fragment}"`);
  assert.ok(error.message.includes(`test.yaml:${line}:`), error.message);
  assert.ok(error.message.includes(`${path}: `), error.message);
}

function profileWith(overrides: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    task: '',
    inputTokens: 100,
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

describe('routes that load', () => {
  const text = `${PROVIDERS}
models:
  openai/mini: { context_window: 128000, capabilities: [tools] }
  anthropic/opus: { upstream: claude-opus-4-7, context_window: 1000000, reliable_context: 400000 }

routes:
  auto:
    description: everything, by shape
    strategy: weighted
    targets:
      - { model: openai/mini, weight: 3 }
      - anthropic/opus
    fallbacks: [anthropic/opus]
    rules:
      - name: long-agents
        when: trace.turns >= 10 and (tools > 0 or task in ["coding", 'review'])
        targets: [anthropic/opus]
        strategy: lowest-cost
      - name: cheap
        when: latency == "batch"
        use: bulk
    retry: { attempts_per_target: 3, max_attempts: 5, backoff_ms: 100, max_backoff_ms: 1000, deadline_ms: 30000 }
    hedge: { after: p95, fallback_ms: 1500 }
    timeouts: { first_token_ms: 4000 }
  bulk:
    strategy: least-busy
    targets: [openai/mini, openai/some-unlisted-model]
    hedge: { after: 250 }
  fast:
    strategy: least-latency
    targets: [openai/mini]
  plain:
    targets: [openai/mini]

routing:
  breaker: { consecutive_failures: 4, error_rate: 0.25, window: 40, min_samples: 8, open_ms: 12000 }
  retry: { attempts_per_target: 1 }
  credentials_cooldown_ms: 60000
  max_sessions: 500
  session_ttl_ms: 600000
`;
  const config = load(text);

  test('rules keep their order, text and compiled condition; targets their weights', () => {
    const auto = config.routes.get('auto')!;
    assert.equal(auto.description, 'everything, by shape');
    assert.deepEqual(
      auto.rules.map((rule) => [rule.name, rule.when, rule.use]),
      [
        ['long-agents', `trace.turns >= 10 and (tools > 0 or task in ["coding", 'review'])`, undefined],
        ['cheap', 'latency == "batch"', 'bulk'],
      ],
    );
    const [agents, cheap] = auto.rules;
    assert.equal(agents?.matches(profileWith({ trace: { turns: 10, toolCalls: 0, tokens: 0 }, task: 'review' })), true);
    assert.equal(agents?.matches(profileWith({ trace: { turns: 9, toolCalls: 0, tokens: 0 }, tools: 5 })), false);
    assert.equal(cheap?.matches(profileWith({ latency: 'batch' })), true);
    assert.equal(cheap?.choice, undefined);
    assert.deepEqual(agents?.choice, { targets: [{ provider: 'anthropic', upstreamModel: 'claude-opus-4-7', modelId: 'anthropic/opus', weight: 1 }], fallbacks: [], strategy: 'lowest-cost' });
    assert.deepEqual(auto.choice, {
      strategy: 'weighted',
      targets: [
        { provider: 'openai', upstreamModel: 'mini', modelId: 'openai/mini', weight: 3 },
        { provider: 'anthropic', upstreamModel: 'claude-opus-4-7', modelId: 'anthropic/opus', weight: 1 },
      ],
      fallbacks: [{ provider: 'anthropic', upstreamModel: 'claude-opus-4-7', modelId: 'anthropic/opus' }],
    });
  });

  test('strategies, a provider/model outside the catalog, and the priority default', () => {
    assert.equal(config.routes.get('bulk')?.choice.strategy, 'least-busy');
    assert.equal(config.routes.get('fast')?.choice.strategy, 'least-latency');
    assert.equal(config.routes.get('plain')?.choice.strategy, 'priority');
    assert.deepEqual(config.routes.get('bulk')?.choice.targets[1], { provider: 'openai', upstreamModel: 'some-unlisted-model', modelId: 'openai/some-unlisted-model', weight: 1 });
  });

  test('retry, hedge and timeouts per route; the routing section’s retry for the rest', () => {
    const auto = config.routes.get('auto')!;
    assert.deepEqual(auto.retry, { attemptsPerTarget: 3, maxAttempts: 5, backoffMs: 100, maxBackoffMs: 1_000, deadlineMs: 30_000 });
    assert.deepEqual(auto.hedge, { after: 'p95', fallbackMs: 1_500 });
    assert.equal(auto.firstTokenMs, 4_000);
    assert.deepEqual(config.routes.get('bulk')?.hedge, { after: 250, fallbackMs: 2_000 });
    assert.equal(config.routes.get('plain')?.hedge, undefined);
    assert.equal(config.routes.get('plain')?.firstTokenMs, undefined);
    const defaults = { attemptsPerTarget: 1, maxAttempts: 6, backoffMs: 200, maxBackoffMs: 5_000, deadlineMs: 120_000 };
    assert.deepEqual(config.routing.retry, defaults);
    assert.deepEqual(config.routes.get('plain')?.retry, defaults);
  });

  test('the routing section: breaker, credentials cool-down, sessions', () => {
    assert.deepEqual(config.routing.breaker, { consecutiveFailures: 4, errorRate: 0.25, window: 40, minSamples: 8, openMs: 12_000 });
    assert.equal(config.routing.credentialsCooldownMs, 60_000);
    assert.equal(config.routing.maxSessions, 500);
    assert.equal(config.routing.sessionTtlMs, 600_000);
  });

  test('models: reliable context defaults to the window', () => {
    assert.equal(config.models.get('anthropic/opus')?.reliableContext, 400_000);
    assert.equal(config.models.get('openai/mini')?.reliableContext, 128_000);
  });

  test('without a routing section, the documented defaults', () => {
    const minimal = load(`${PROVIDERS}routes:\n  a:\n    targets: [openai/x]\n`);
    assert.deepEqual(minimal.routing.breaker, { consecutiveFailures: 5, errorRate: 0.5, window: 20, minSamples: 10, openMs: 30_000 });
    assert.deepEqual(minimal.routing.retry, { attemptsPerTarget: 2, maxAttempts: 6, backoffMs: 200, maxBackoffMs: 5_000, deadlineMs: 120_000 });
    assert.equal(minimal.routing.credentialsCooldownMs, 300_000);
  });
});

describe('route errors name the path and the line', () => {
  test('a `when` that does not compile', () => {
    const text = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: typo
        when: tools > "x"
        targets: [openai/b]
`;
    assertIssue(text, 'routes.auto.rules[0].when', lineOf(text, 'when: tools'), 'cannot read "tools > "x""', 'compares a number with a string');
  });

  test('a `when` naming an unknown field lists the fields', () => {
    const text = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: fine
        when: tools > 1
        targets: [openai/b]
      - name: typo
        when: trace.turn >= 3
        targets: [openai/b]
`;
    assertIssue(text, 'routes.auto.rules[1].when', lineOf(text, 'trace.turn >='), 'unknown field "trace.turn"', 'trace.turns');
  });

  test('a rule with both targets and use, or neither', () => {
    const both = `${PROVIDERS}routes:
  other:
    targets: [openai/a]
  auto:
    targets: [openai/a]
    rules:
      - name: both
        when: tools > 1
        targets: [openai/b]
        use: other
`;
    assertIssue(both, 'routes.auto.rules[0]', lineOf(both, '- name: both'), 'exactly one of "targets" or "use"');
    const neither = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: ok
        when: tools > 1
        targets: [openai/b]
      - name: neither
        when: tools > 1
`;
    assertIssue(neither, 'routes.auto.rules[1]', lineOf(neither, '- name: neither'), 'exactly one of "targets" or "use"');
  });

  test('`use` naming an unknown route', () => {
    const text = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: delegate
        when: tools > 1
        use: nowhere
`;
    assertIssue(text, 'routes.auto.rules[0].use', lineOf(text, 'use: nowhere'), 'no route "nowhere"', 'routes: auto');
  });

  test('a `use` cycle, reported on every route in it', () => {
    const text = `${PROVIDERS}routes:
  a:
    targets: [openai/a]
    rules:
      - name: to-b
        when: tools > 1
        use: b
  b:
    targets: [openai/b]
    rules:
      - name: to-a
        when: images > 0
        use: a
`;
    assertIssue(text, 'routes.a.rules[0].use', lineOf(text, 'use: b'), 'leads back to route "a"', 'cycle');
    assertIssue(text, 'routes.b.rules[0].use', lineOf(text, 'use: a'), 'leads back to route "b"');
  });

  test('a longer cycle and a route that uses itself', () => {
    const text = `${PROVIDERS}routes:
  a:
    targets: [openai/a]
    rules: [{ name: next, when: tools > 1, use: b }]
  b:
    targets: [openai/a]
    rules: [{ name: next, when: tools > 1, use: c }]
  c:
    targets: [openai/a]
    rules: [{ name: back, when: tools > 1, use: a }]
  selfish:
    targets: [openai/a]
    rules: [{ name: me, when: tools > 1, use: selfish }]
`;
    const paths = issuesOf(text).map((issue) => issue.path);
    assert.deepEqual(paths.sort(), ['routes.a.rules[0].use', 'routes.b.rules[0].use', 'routes.c.rules[0].use', 'routes.selfish.rules[0].use']);
  });

  test('a chain of `use` without a cycle loads', () => {
    const text = `${PROVIDERS}routes:
  a:
    targets: [openai/a]
    rules: [{ name: next, when: tools > 1, use: b }, { name: also, when: images > 1, use: c }]
  b:
    targets: [openai/a]
    rules: [{ name: next, when: tools > 1, use: c }]
  c:
    targets: [openai/a]
`;
    assert.deepEqual(load(text).routes.get('a')?.rules.map((rule) => rule.use), ['b', 'c']);
  });

  test('duplicate rule names within a route', () => {
    const text = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: same
        when: tools > 1
        targets: [openai/b]
      - name: same
        when: images > 1
        targets: [openai/c]
`;
    assertIssue(text, 'routes.auto.rules[1].name', lineOf(text, '- name: same', 2), 'already named "same"');
  });

  test('the same rule name in two routes is fine', () => {
    const text = `${PROVIDERS}routes:
  a:
    targets: [openai/a]
    rules: [{ name: same, when: tools > 1, targets: [openai/b] }]
  b:
    targets: [openai/a]
    rules: [{ name: same, when: tools > 1, targets: [openai/b] }]
`;
    assert.equal(load(text).routes.size, 2);
  });

  test('an unknown provider in a rule’s targets or fallbacks', () => {
    const text = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: elsewhere
        when: tools > 1
        targets:
          - openai/b
          - mistral/large
        fallbacks: [cohere/command]
`;
    assertIssue(text, 'routes.auto.rules[0].targets[1]', lineOf(text, '- mistral/large'), 'unknown provider "mistral"', 'configured: openai, anthropic');
    assertIssue(text, 'routes.auto.rules[0].fallbacks[0]', lineOf(text, 'fallbacks: [cohere'), 'unknown provider "cohere"');
  });

  test('a target that is not provider/model', () => {
    const text = `${PROVIDERS}routes:
  auto:
    targets: [gpt-4o]
`;
    assertIssue(text, 'routes.auto.targets[0]', lineOf(text, 'targets: [gpt-4o]'), '"gpt-4o" is not provider/model');
  });

  test('reliable_context above context_window', () => {
    const text = `${PROVIDERS}models:
  openai/a:
    context_window: 128000
    reliable_context: 200000
`;
    assertIssue(text, 'models.openai/a.reliable_context', lineOf(text, 'reliable_context:'), '200000 exceeds the context window (128000)');
  });

  test('an unknown strategy, on a route or a rule', () => {
    const onRoute = `${PROVIDERS}routes:
  auto:
    strategy: fastest
    targets: [openai/a]
`;
    assertIssue(onRoute, 'routes.auto.strategy', lineOf(onRoute, 'strategy: fastest'), 'priority', 'lowest-cost');
    const onRule = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: r
        when: tools > 1
        targets: [openai/b]
        strategy: round-robin
`;
    assertIssue(onRule, 'routes.auto.rules[0].strategy', lineOf(onRule, 'strategy: round-robin'), 'least-latency');
  });

  test('schema checks on targets and rules: weight, unknown keys, empty targets', () => {
    const zeroWeight = `${PROVIDERS}routes:
  auto:
    strategy: weighted
    targets:
      - { model: openai/a, weight: 0 }
`;
    assertIssue(zeroWeight, 'routes.auto.targets[0].weight', lineOf(zeroWeight, 'weight: 0'));
    const typo = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: r
        when: tools > 1
        target: [openai/b]
`;
    assertIssue(typo, 'routes.auto.rules[0].target', lineOf(typo, 'target: [openai/b]'), 'unknown key "target"');
    const empty = `${PROVIDERS}routes:
  auto:
    targets: []
`;
    assertIssue(empty, 'routes.auto.targets', lineOf(empty, 'targets: []'), 'at least one target');
  });

  test('every problem is reported at once, not just the first', () => {
    const text = `${PROVIDERS}routes:
  auto:
    targets: [openai/a]
    rules:
      - name: bad-when
        when: tools >
        targets: [openai/b]
      - name: bad-use
        when: tools > 1
        use: nowhere
      - name: bad-target
        when: tools > 1
        targets: [nobody/x]
`;
    assert.deepEqual(issuesOf(text).map((issue) => issue.path).sort(), ['routes.auto.rules[0].when', 'routes.auto.rules[1].use', 'routes.auto.rules[2].targets[0]']);
    // The rule dropped for its `when` does not shift the next one's path or line.
    assertIssue(text, 'routes.auto.rules[1].use', lineOf(text, 'use: nowhere'), 'no route "nowhere"');
  });
});
