import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { billedTokens, priceUsage, type CostBreakdown } from './price-usage.js';
import { serviceTierFromOpenAI } from './service-tier.js';
import { seeded, usage } from './test-support.js';

/** The five parts and the total, in micro-dollars, in the breakdown's order. */
function parts(cost: CostBreakdown): number[] {
  return [cost.uncachedInputMicros, cost.cachedInputMicros, cost.cacheWrite5mMicros, cost.cacheWrite1hMicros, cost.outputMicros, cost.totalMicros];
}

describe('priceUsage: cache reads and writes', () => {
  it('charges cached tokens once, at the cached price (inputTokens already includes them)', () => {
    // gpt-5.5: $5 in, $0.50 cached, $30 out per MTok = 5, 0.5, 30 µ$ per token.
    // uncached 10 000 − 8 000 = 2 000 × 5 = 10 000; cached 8 000 × 0.5 = 4 000; output 500 × 30 = 15 000.
    // Charging all 10 000 input at full price plus the cached part again would give 69 000.
    const cost = priceUsage(seeded('openai/gpt-5.5'), usage({ inputTokens: 10_000, cachedInputTokens: 8_000, outputTokens: 500 }));
    assert.deepEqual(parts(cost), [10_000, 4_000, 0, 0, 15_000, 29_000]);
    // Saved: 8 000 × (5 − 0.5) = 36 000.
    assert.equal(cost.savedByCacheMicros, 36_000);
  });

  it('splits Anthropic cache writes by TTL and never adds reasoning to output', () => {
    // claude-opus-4-7: in 5, 5m write 6.25, 1h write 10, read 0.5, out 25 µ$ per token.
    // input 10 000 = 1 000 uncached + 5 000 read + 4 000 written (1 500 of them for 1 hour).
    // uncached 5 000; read 2 500; 5m 2 500 × 6.25 = 15 625; 1h 1 500 × 10 = 15 000;
    // output 2 000 × 25 = 50 000 (the 1 200 reasoning tokens are inside the 2 000); total 88 125.
    const cost = priceUsage(
      seeded('anthropic/claude-opus-4-7'),
      usage({ inputTokens: 10_000, cachedInputTokens: 5_000, cacheWriteTokens: 4_000, cacheWrite1hTokens: 1_500, outputTokens: 2_000, reasoningTokens: 1_200 }),
    );
    assert.deepEqual(parts(cost), [5_000, 2_500, 15_625, 15_000, 50_000, 88_125]);
    assert.equal(cost.savedByCacheMicros, 22_500);
  });

  it('bills cache writes as input where the provider has no write price', () => {
    // gpt-5.5: 600 uncached + 400 written, both at 5 µ$ per token.
    const cost = priceUsage(seeded('openai/gpt-5.5'), usage({ inputTokens: 1_000, cacheWriteTokens: 400 }));
    assert.deepEqual(parts(cost), [3_000, 0, 2_000, 0, 0, 5_000]);
  });

  it('bills cache reads as input where the model has no cached price, saving nothing', () => {
    // gpt-5.5-pro: $30 in; 200 uncached × 30 = 6 000, 800 cached × 30 = 24 000.
    const cost = priceUsage(seeded('openai/gpt-5.5-pro'), usage({ inputTokens: 1_000, cachedInputTokens: 800 }));
    assert.deepEqual(parts(cost), [6_000, 24_000, 0, 0, 0, 30_000]);
    assert.equal(cost.savedByCacheMicros, 0);
  });
});

describe('priceUsage: rounding', () => {
  it('rounds the total once, half up', () => {
    // gpt-5.4: $2.50 in = 2.5 µ$ per token. 1 token = 2.5 → 3; 3 tokens = 7.5 → 8; 2 tokens = 5 exactly.
    const gpt54 = seeded('openai/gpt-5.4');
    assert.equal(priceUsage(gpt54, usage({ inputTokens: 1 })).totalMicros, 3);
    assert.equal(priceUsage(gpt54, usage({ inputTokens: 3 })).totalMicros, 8);
    assert.equal(priceUsage(gpt54, usage({ inputTokens: 2 })).totalMicros, 5);
    // claude-haiku-4-5: a cache read of 4 tokens is 0.4 µ$ → 0.
    assert.equal(priceUsage(seeded('anthropic/claude-haiku-4-5'), usage({ inputTokens: 4, cachedInputTokens: 4 })).totalMicros, 0);
  });

  it('rounds the parts so they add up to the total', () => {
    // gpt-5.4: 3 uncached = 7.5, 1 output = 15: exact 22.5 → 23; parts 8 + 15.
    const cost = priceUsage(seeded('openai/gpt-5.4'), usage({ inputTokens: 3, outputTokens: 1 }));
    assert.deepEqual(parts(cost), [8, 0, 0, 0, 15, 23]);
  });
});

describe('priceUsage: long context', () => {
  const gemini = seeded('google/gemini-3.1-pro');

  it('keeps the base rates up to the threshold and switches the whole request above it', () => {
    // gemini-3.1-pro ≤ 200K: in 2, cached 0.2, out 12. 150 000 × 2 + 50 000 × 0.2 + 1 000 × 12 = 322 000.
    const atThreshold = priceUsage(gemini, usage({ inputTokens: 200_000, cachedInputTokens: 50_000, outputTokens: 1_000 }));
    assert.deepEqual(parts(atThreshold), [300_000, 10_000, 0, 0, 12_000, 322_000]);
    assert.equal(atThreshold.longContextAboveTokens, undefined);
    // > 200K: in 4, cached 0.4, out 18. 150 001 × 4 + 50 000 × 0.4 + 1 000 × 18 = 638 004.
    const above = priceUsage(gemini, usage({ inputTokens: 200_001, cachedInputTokens: 50_000, outputTokens: 1_000 }));
    assert.deepEqual(parts(above), [600_004, 20_000, 0, 0, 18_000, 638_004]);
    assert.equal(above.longContextAboveTokens, 200_000);
  });

  it('counts cached tokens toward the threshold', () => {
    // All 200 001 tokens read from the cache: long-context cached price 0.4 → 80 000.4 → 80 000
    // (choosing the tier by uncached input alone would give the base 0.2 → 40 000).
    const cost = priceUsage(gemini, usage({ inputTokens: 200_001, cachedInputTokens: 200_001 }));
    assert.equal(cost.totalMicros, 80_000);
    assert.equal(cost.longContextAboveTokens, 200_000);
  });

  it('applies the OpenAI 272K tier to input and output', () => {
    // gpt-5.5: 272 000 × 5 + 100 × 30 = 1 363 000; above: 272 001 × 10 + 100 × 45 = 2 724 510.
    const gpt55 = seeded('openai/gpt-5.5');
    assert.equal(priceUsage(gpt55, usage({ inputTokens: 272_000, outputTokens: 100 })).totalMicros, 1_363_000);
    assert.equal(priceUsage(gpt55, usage({ inputTokens: 272_001, outputTokens: 100 })).totalMicros, 2_724_510);
  });

  it('prices Anthropic cache writes at the long-context rates too', () => {
    // claude-sonnet-4-5 > 200K: in 6, 5m write 7.5, read 0.6, out 22.5.
    // 1 000 × 6 + 200 000 × 0.6 + 100 000 × 7.5 + 1 000 × 22.5 = 6 000 + 120 000 + 750 000 + 22 500 = 898 500.
    const cost = priceUsage(
      seeded('anthropic/claude-sonnet-4-5'),
      usage({ inputTokens: 301_000, cachedInputTokens: 200_000, cacheWriteTokens: 100_000, outputTokens: 1_000 }),
    );
    assert.deepEqual(parts(cost), [6_000, 120_000, 750_000, 0, 22_500, 898_500]);
  });
});

describe('priceUsage: service tiers', () => {
  const opusUsage = usage({ inputTokens: 10_000, cachedInputTokens: 5_000, cacheWriteTokens: 4_000, cacheWrite1hTokens: 1_500, outputTokens: 2_000 });

  it('halves every part in a batch, cache prices included', () => {
    // Half of [5 000, 2 500, 15 625, 15 000, 50 000]: the 5m write is 7 812.5 and takes the rounding unit.
    const cost = priceUsage(seeded('anthropic/claude-opus-4-7'), opusUsage, { serviceTier: 'batch' });
    assert.deepEqual(parts(cost), [2_500, 1_250, 7_813, 7_500, 25_000, 44_063]);
    assert.equal(cost.savedByCacheMicros, 11_250);
    assert.equal(cost.serviceTier, 'batch');
  });

  it('charges OpenAI priority (fast mode) at 250% on gpt-5.5', () => {
    // Standard 1 000 × 5 + 100 × 30 = 8 000; fast 20 000 ($12.50 / $75 per MTok).
    const cost = priceUsage(seeded('openai/gpt-5.5'), usage({ inputTokens: 1_000, outputTokens: 100 }), { serviceTier: 'priority' });
    assert.equal(cost.totalMicros, 20_000);
  });

  it('bills DeepSeek at peak prices unless told the request ran off-peak', () => {
    // deepseek-v4-pro peak: miss 1.32, hit 0.044, out 3.96 µ$ per token.
    // 100 000 × 1.32 + 900 000 × 0.044 + 100 000 × 3.96 = 132 000 + 39 600 + 396 000 = 567 600.
    const tokens = usage({ inputTokens: 1_000_000, cachedInputTokens: 900_000, outputTokens: 100_000 });
    const price = seeded('deepseek/deepseek-v4-pro');
    assert.equal(priceUsage(price, tokens).totalMicros, 567_600);
    assert.equal(priceUsage(price, tokens, { serviceTier: 'off_peak' }).totalMicros, 283_800);
  });

  it('bills a tier the model has no price for as standard, and says so', () => {
    const price = seeded('anthropic/claude-opus-4-7');
    const flex = priceUsage(price, opusUsage, { serviceTier: 'flex' });
    assert.equal(flex.serviceTier, 'standard');
    assert.equal(flex.totalMicros, priceUsage(price, opusUsage).totalMicros);
  });

  it('reads OpenAI service_tier values', () => {
    assert.equal(serviceTierFromOpenAI('priority'), 'priority');
    assert.equal(serviceTierFromOpenAI('fast'), 'priority');
    assert.equal(serviceTierFromOpenAI('flex'), 'flex');
    assert.equal(serviceTierFromOpenAI('default'), 'standard');
    assert.equal(serviceTierFromOpenAI(undefined), 'standard');
  });
});

describe('priceUsage: odd usage', () => {
  it('bills self-hosted models at zero', () => {
    const cost = priceUsage(seeded('local/*'), usage({ inputTokens: 50_000, cachedInputTokens: 40_000, outputTokens: 9_000 }));
    assert.deepEqual(parts(cost), [0, 0, 0, 0, 0, 0]);
    assert.equal(cost.savedByCacheMicros, 0);
  });

  it('bills cache details that exceed the input total as reported, never as free', () => {
    // claude-haiku-4-5: 600 read × 0.1 = 60, 600 written × 1.25 = 750, although input says 1 000.
    const cost = priceUsage(seeded('anthropic/claude-haiku-4-5'), usage({ inputTokens: 1_000, cachedInputTokens: 600, cacheWriteTokens: 600 }));
    assert.deepEqual(parts(cost), [0, 60, 750, 0, 0, 810]);
  });

  it('bills reasoning reported outside the output count at least once', () => {
    // claude-haiku-4-5: max(10, 50) output tokens × 5 = 250.
    assert.equal(priceUsage(seeded('anthropic/claude-haiku-4-5'), usage({ outputTokens: 10, reasoningTokens: 50 })).outputMicros, 250);
  });

  it('reads garbage counts as zero instead of throwing', () => {
    const tokens = billedTokens(usage({ inputTokens: Number.NaN, outputTokens: -5, cachedInputTokens: Number.POSITIVE_INFINITY, cacheWrite1hTokens: 7 }));
    assert.deepEqual(tokens, { uncachedInput: 0, cachedInput: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0 });
    assert.equal(priceUsage(seeded('openai/gpt-5.5'), usage({ inputTokens: 2.4, outputTokens: Number.NaN })).totalMicros, 10);
  });
});
