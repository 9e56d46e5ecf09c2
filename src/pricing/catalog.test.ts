import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildPriceCatalog } from './catalog.js';
import { PRICING_FAMILY } from './families.js';
import { pricingOverridesSchema } from './schema.js';
import { SEED_PRICES } from './seed-prices.js';
import { renderSeedTable } from './test-support.js';

const catalog = buildPriceCatalog();

describe('seeded catalog lookup', () => {
  const found: Array<[Parameters<typeof catalog.lookup>[0], string]> = [
    [{ kind: 'openai', model: 'gpt-5.5' }, 'openai/gpt-5.5'],
    [{ kind: 'openai-responses', model: 'gpt-5.5-2026-04-23' }, 'openai/gpt-5.5'],
    [{ kind: 'openai', model: 'gpt-5.5-pro-2026-04-23' }, 'openai/gpt-5.5-pro'],
    [{ kind: 'azure-openai', model: 'gpt-5.4-mini' }, 'openai/gpt-5.4-mini'],
    [{ kind: 'anthropic', model: 'claude-sonnet-4-6-20260115' }, 'anthropic/claude-sonnet-4-6'],
    [{ kind: 'anthropic', model: 'claude-haiku-4-5-20251001' }, 'anthropic/claude-haiku-4-5'],
    [{ kind: 'anthropic', model: 'Claude-Opus-4-7' }, 'anthropic/claude-opus-4-7'],
    [{ kind: 'gemini', model: 'gemini-3.1-pro-preview' }, 'google/gemini-3.1-pro'],
    [{ kind: 'gemini', model: 'gemini-3.1-pro-preview-customtools' }, 'google/gemini-3.1-pro'],
    [{ kind: 'vertex-gemini', model: 'gemini-3-flash-preview' }, 'google/gemini-3-flash'],
    [{ kind: 'deepseek', model: 'deepseek-v4-pro' }, 'deepseek/deepseek-v4-pro'],
    [{ kind: 'deepseek', model: 'deepseek-v4-flash' }, 'deepseek/deepseek-flash'],
    [{ kind: 'ollama', model: 'llama3.3:70b' }, 'local/*'],
    [{ kind: 'vllm', model: 'Qwen/Qwen3-32B' }, 'local/*'],
  ];
  for (const [query, key] of found) {
    it(`${query.kind} ${query.model} → ${key}`, () => assert.equal(catalog.lookup(query)?.key, key));
  }

  const unknown: Array<Parameters<typeof catalog.lookup>[0]> = [
    { kind: 'openai', model: 'gpt-5.4-pro' },
    { kind: 'openai', model: 'gpt-5.4-nano' },
    { kind: 'openai', model: 'gpt-5.6-sol' },
    { kind: 'anthropic', model: 'claude-opus-4-1' },
    { kind: 'gemini', model: 'gemini-3-pro-preview' },
    // The right name at the wrong vendor is not that vendor's price.
    { kind: 'anthropic', model: 'gpt-5.5' },
    { kind: 'groq', model: 'gpt-5.5' },
    { kind: 'openai-compatible', model: 'llama3.3:70b' },
  ];
  for (const query of unknown) {
    it(`${query.kind} ${query.model} is unknown`, () => assert.equal(catalog.lookup(query), undefined));
  }

  it('answers repeated lookups the same way (the lookup cache keys on kind and provider)', () => {
    assert.equal(catalog.lookup({ kind: 'openai', model: 'gpt-5.5' })?.key, 'openai/gpt-5.5');
    assert.equal(catalog.lookup({ kind: 'groq', model: 'gpt-5.5' }), undefined);
    assert.equal(catalog.lookup({ kind: 'openai', model: 'gpt-5.5' })?.key, 'openai/gpt-5.5');
  });
});

describe('config overrides', () => {
  it('replace a seeded entry keyed family/model as a whole', () => {
    const overridden = buildPriceCatalog(pricingOverridesSchema.parse({ 'openai/gpt-5.5': { input: 4, output: 24 } }));
    const price = overridden.lookup({ kind: 'openai', model: 'gpt-5.5-2026-04-23' });
    assert.equal(price?.origin, 'override');
    assert.deepEqual(price?.rates, { input: 4_000_000, output: 24_000_000 });
    assert.deepEqual(price?.longContext, []);
  });

  it('rank provider/model over family/model over a bare model name over the seed', () => {
    const overridden = buildPriceCatalog(
      pricingOverridesSchema.parse({
        'work-azure/gpt-5.5': { input: 5.5, output: 33 },
        'openai/gpt-5.5': { input: 4, output: 24 },
        'gpt-5.5': { input: 3, output: 18 },
        'claude-opus-4-7': { input: 1, output: 1 },
      }),
    );
    const input = (query: Parameters<typeof catalog.lookup>[0]): number | undefined => overridden.lookup(query)?.rates.input;
    assert.equal(input({ kind: 'azure-openai', provider: 'work-azure', model: 'gpt-5.5' }), 5_500_000);
    assert.equal(input({ kind: 'azure-openai', provider: 'other-azure', model: 'gpt-5.5' }), 4_000_000);
    assert.equal(input({ kind: 'groq', model: 'gpt-5.5' }), 3_000_000);
    assert.equal(input({ kind: 'anthropic', model: 'claude-opus-4-7-20260301' }), 1_000_000);
    assert.equal(input({ kind: 'anthropic', model: 'claude-sonnet-4-6' }), 3_000_000);
  });

  it('add models, including names with a slash, and price a whole self-hosted scope', () => {
    const overridden = buildPriceCatalog(
      pricingOverridesSchema.parse({
        'together/meta-llama/Llama-3.3-70B-Instruct-Turbo': { input: 0.88, output: 0.88 },
        'local/*': { input: 0.01, output: 0.02, note: 'amortised GPU cost' },
      }),
    );
    assert.equal(overridden.lookup({ kind: 'together', model: 'meta-llama/llama-3.3-70b-instruct-turbo' })?.rates.output, 880_000);
    assert.equal(overridden.lookup({ kind: 'ollama', model: 'qwen3' })?.rates.output, 20_000);
  });

  it('count as verified unless they say otherwise', () => {
    const overridden = buildPriceCatalog(pricingOverridesSchema.parse({ a: { input: 1, output: 2 }, b: { input: 1, output: { usd: 2, verified: false } } }));
    assert.equal(overridden.lookup({ kind: 'groq', model: 'a' })?.verified, true);
    assert.deepEqual(overridden.lookup({ kind: 'groq', model: 'b' })?.unverified, ['output']);
  });
});

describe('pricingOverridesSchema', () => {
  function problems(value: unknown): string[] {
    const result = pricingOverridesSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  }

  it('accepts the documented shape', () => {
    assert.deepEqual(
      problems({
        'openai/gpt-5.5': {
          input: 5,
          cached_input: { usd: 0.5, as_of: '2026-11-22', source: 'https://example.com', verified: false },
          output: '30',
          long_context: [{ above_input_tokens: 272000, input: 10, cached_input: 1, output: 45 }],
          service_tiers: { batch: 50, priority: { percent: 250, note: 'fast mode' } },
          aliases: ['gpt-5.5-latest-alias'],
        },
      }),
      [],
    );
  });

  it('names the path of each problem', () => {
    assert.ok(problems({ m: { input: 1 } }).every((line) => line.startsWith('m.output: ')));
    assert.equal(problems({ m: { input: 1 } }).length, 1);
    const found = problems({
      m: { input: -1, output: 0.0000001, cached_input: 0.1, long_context: [{ above_input_tokens: 10, input: 2, output: 2 }], typo: 1 },
      'has space': { input: 1, output: 1 },
    });
    assert.ok(found.some((line) => line.startsWith('m.input: USD per million tokens')), found.join('\n'));
    assert.ok(found.some((line) => line.startsWith('m.output: USD per million tokens')), found.join('\n'));
    assert.ok(found.some((line) => line.includes('typo')), found.join('\n'));
    assert.ok(found.some((line) => line.startsWith('has space')), found.join('\n'));
  });

  it('requires a long-context tier to define exactly the rates its base defines', () => {
    const missing = problems({ m: { input: 1, output: 1, cached_input: 0.1, long_context: [{ above_input_tokens: 10, input: 2, output: 2 }] } });
    assert.deepEqual(missing, ['m.long_context.0.cached_input: required: the base rates define cached_input']);
    const extra = problems({ m: { input: 1, output: 1, long_context: [{ above_input_tokens: 10, input: 2, output: 2, cache_write_1h: 4 }] } });
    assert.deepEqual(extra, ['m.long_context.0.cache_write_1h: not allowed: the base rates do not define cache_write_1h']);
    const twice = problems({ m: { input: 1, output: 1, long_context: [{ above_input_tokens: 10, input: 2, output: 2 }, { above_input_tokens: 10, input: 3, output: 3 }] } });
    assert.deepEqual(twice, ['m.long_context.1.above_input_tokens: a threshold appears twice']);
  });

  it('refuses a service tier it does not know and a percentage that is not whole', () => {
    assert.equal(problems({ m: { input: 1, output: 1, service_tiers: { turbo: 50 } } }).length, 1);
    assert.equal(problems({ m: { input: 1, output: 1, service_tiers: { batch: 50.5 } } }).length, 1);
  });
});

describe('seeded data', () => {
  const seeds = pricingOverridesSchema.parse(SEED_PRICES);

  it('covers the fleet', () => {
    for (const key of [
      'openai/gpt-5.5',
      'openai/gpt-5.5-pro',
      'openai/gpt-5.4',
      'openai/gpt-5.4-mini',
      'anthropic/claude-opus-4-7',
      'anthropic/claude-sonnet-4-6',
      'anthropic/claude-haiku-4-5',
      'google/gemini-3.1-pro',
      'google/gemini-3-flash',
      'deepseek/deepseek-v4-pro',
      'local/*',
    ]) {
      assert.ok(key in seeds, key);
    }
  });

  it('states as_of, source and verified for every entry, and keys every entry by a pricing family', () => {
    const families = new Set<string>(Object.values(PRICING_FAMILY));
    for (const [key, entry] of Object.entries(seeds)) {
      assert.match(entry.as_of ?? '', /^\d{4}-\d{2}-\d{2}$/, key);
      assert.ok(entry.source !== undefined && entry.source.length > 0, key);
      assert.equal(typeof entry.verified, 'boolean', key);
      assert.ok(families.has(key.split('/')[0] ?? ''), key);
    }
  });

  it('applies Anthropic cache multipliers: write 1.25x (5m), 2x (1h), read 0.1x', () => {
    for (const key of ['anthropic/claude-opus-4-7', 'anthropic/claude-sonnet-4-6', 'anthropic/claude-sonnet-4-5', 'anthropic/claude-haiku-4-5']) {
      const price = catalog.entries.find((entry) => entry.key === key);
      assert.ok(price, key);
      for (const rates of [price.rates, ...price.longContext]) {
        assert.equal(rates.cacheWrite5m, (rates.input * 125) / 100, key);
        assert.equal(rates.cacheWrite1h, rates.input * 2, key);
        assert.equal(rates.cachedInput, rates.input / 10, key);
      }
    }
  });

  it('never makes a long-context tier cheaper than the base', () => {
    for (const price of catalog.entries) {
      for (const tier of price.longContext) {
        assert.ok(tier.input >= price.rates.input && tier.output >= price.rates.output, price.key);
      }
    }
  });

  it('matches the table in README.md', () => {
    // Tests run from the repository root (also when compiled into dist/, where README.md is not copied).
    const readme = readFileSync(join(process.cwd(), 'src', 'pricing', 'README.md'), 'utf8');
    assert.ok(readme.includes(renderSeedTable()), 'README.md table is stale: paste the output of renderSeedTable()');
  });
});
