/**
 * Properties of priceUsage over arbitrary usage, for every seeded price and for generated price
 * tables (whose long-context rates are never below the base, as the seeds check and as providers do).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CanonicalUsage } from '../canonical/types.js';
import { buildPriceCatalog, type ModelPrice, type ServiceTier, type TokenRates } from './catalog.js';
import { EXACT_UNITS_PER_MICRO, exactCost, priceUsage, type BilledTokens } from './price-usage.js';

const runs = { numRuns: 300 };
const SEEDED = buildPriceCatalog().entries;

/** Up to ~1.2M per count, so generated usages cross every long-context threshold. */
const count = fc.nat({ max: 1_200_000 });
const billed: fc.Arbitrary<BilledTokens> = fc.record({
  uncachedInput: count,
  cachedInput: count,
  cacheWrite5m: count,
  cacheWrite1h: count,
  output: count,
});

function toUsage(tokens: BilledTokens, reasoningShare = 0): CanonicalUsage {
  return {
    inputTokens: tokens.uncachedInput + tokens.cachedInput + tokens.cacheWrite5m + tokens.cacheWrite1h,
    cachedInputTokens: tokens.cachedInput,
    cacheWriteTokens: tokens.cacheWrite5m + tokens.cacheWrite1h,
    cacheWrite1hTokens: tokens.cacheWrite1h,
    outputTokens: tokens.output,
    reasoningTokens: Math.floor(tokens.output * reasoningShare),
  };
}

/** A rate up to $300/MTok in whole micro-dollars. */
const rate = fc.nat({ max: 300_000_000 });
const optionalRate = fc.option(rate, { nil: undefined });

function defined(rates: Partial<TokenRates>): TokenRates {
  const result: TokenRates = { input: rates.input ?? 0, output: rates.output ?? 0 };
  if (rates.cachedInput !== undefined) result.cachedInput = rates.cachedInput;
  if (rates.cacheWrite5m !== undefined) result.cacheWrite5m = rates.cacheWrite5m;
  if (rates.cacheWrite1h !== undefined) result.cacheWrite1h = rates.cacheWrite1h;
  return result;
}

/** Effective rates never drop when a tier applies: each tier rate is the base rate times ≥ 1. */
const generatedPrice: fc.Arbitrary<ModelPrice> = fc
  .record({
    input: rate,
    output: rate,
    cachedInput: optionalRate,
    cacheWrite5m: optionalRate,
    cacheWrite1h: optionalRate,
    thresholds: fc.uniqueArray(fc.integer({ min: 1, max: 2_000_000 }), { maxLength: 2 }),
    multiplier: fc.integer({ min: 100, max: 300 }),
    batch: fc.integer({ min: 1, max: 100 }),
  })
  .map((generated) => {
    const base = defined(generated);
    const scale = (value: number | undefined, step: number): number | undefined =>
      value === undefined ? undefined : Math.floor((value * (generated.multiplier + step)) / 100);
    const longContext = [...generated.thresholds]
      .sort((a, b) => a - b)
      .map((aboveInputTokens, step) => {
        // A rate the base leaves to a fallback (cached → input, 1h → 5m → input) stays undefined, as the schema requires.
        const cachedInput = scale(base.cachedInput, step * 50);
        const cacheWrite5m = scale(base.cacheWrite5m, step * 50);
        const cacheWrite1h = scale(base.cacheWrite1h, step * 50);
        return {
          aboveInputTokens,
          ...defined({ input: scale(base.input, step * 50), output: scale(base.output, step * 50), cachedInput, cacheWrite5m, cacheWrite1h }),
        };
      });
    return {
      key: 'generated',
      origin: 'override',
      rates: base,
      longContext,
      serviceTiers: { batch: generated.batch },
      verified: true,
      unverified: [],
    } satisfies ModelPrice;
  });

const anyPrice = fc.oneof(fc.constantFrom(...SEEDED), generatedPrice);
const tier = fc.constantFrom<ServiceTier>('standard', 'batch', 'flex', 'priority', 'off_peak');
const component = fc.constantFrom<keyof BilledTokens>('uncachedInput', 'cachedInput', 'cacheWrite5m', 'cacheWrite1h', 'output');

function exactTotal(price: ModelPrice, usage: CanonicalUsage, serviceTier: ServiceTier): bigint {
  return exactCost(price, usage, { serviceTier }).parts.reduce((sum, part) => sum + part, 0n);
}

describe('priceUsage properties', () => {
  it('gives whole, non-negative micro-dollars whose parts add up to the total', () => {
    fc.assert(
      fc.property(anyPrice, billed, fc.double({ min: 0, max: 1, noNaN: true }), tier, (price, tokens, share, serviceTier) => {
        const cost = priceUsage(price, toUsage(tokens, share), { serviceTier });
        const parts = [cost.uncachedInputMicros, cost.cachedInputMicros, cost.cacheWrite5mMicros, cost.cacheWrite1hMicros, cost.outputMicros];
        for (const value of [...parts, cost.totalMicros, cost.savedByCacheMicros]) {
          assert.ok(Number.isSafeInteger(value) && value >= 0, String(value));
        }
        assert.equal(parts.reduce((sum, part) => sum + part, 0), cost.totalMicros);
      }),
      runs,
    );
  });

  it('rounds the total to within half a micro-dollar of exact, and each part to within one', () => {
    fc.assert(
      fc.property(anyPrice, billed, tier, (price, tokens, serviceTier) => {
        const usage = toUsage(tokens);
        const exact = exactCost(price, usage, { serviceTier });
        const cost = priceUsage(price, usage, { serviceTier });
        const total = exact.parts.reduce((sum, part) => sum + part, 0n);
        const within = (rounded: number, value: bigint, limit: bigint): boolean => {
          const difference = BigInt(rounded) * EXACT_UNITS_PER_MICRO - value;
          return (difference < 0n ? -difference : difference) <= limit;
        };
        assert.ok(within(cost.totalMicros, total, EXACT_UNITS_PER_MICRO / 2n));
        const parts = [cost.uncachedInputMicros, cost.cachedInputMicros, cost.cacheWrite5mMicros, cost.cacheWrite1hMicros, cost.outputMicros];
        parts.forEach((part, index) => assert.ok(within(part, exact.parts[index] ?? 0n, EXACT_UNITS_PER_MICRO)));
      }),
      runs,
    );
  });

  it('never costs less when any billed count grows, across long-context thresholds too', () => {
    fc.assert(
      fc.property(anyPrice, billed, component, fc.integer({ min: 1, max: 500_000 }), tier, (price, tokens, grown, extra, serviceTier) => {
        const more = { ...tokens, [grown]: tokens[grown] + extra };
        assert.ok(exactTotal(price, toUsage(more), serviceTier) >= exactTotal(price, toUsage(tokens), serviceTier));
        assert.ok(priceUsage(price, toUsage(more), { serviceTier }).totalMicros >= priceUsage(price, toUsage(tokens), { serviceTier }).totalMicros);
      }),
      runs,
    );
  });

  it('is additive across splits of a request that stay in one tier', () => {
    fc.assert(
      fc.property(anyPrice, billed, billed, tier, (price, first, second, serviceTier) => {
        const whole = toUsage({
          uncachedInput: first.uncachedInput + second.uncachedInput,
          cachedInput: first.cachedInput + second.cachedInput,
          cacheWrite5m: first.cacheWrite5m + second.cacheWrite5m,
          cacheWrite1h: first.cacheWrite1h + second.cacheWrite1h,
          output: first.output + second.output,
        });
        const wholeTier = exactCost(price, whole, { serviceTier }).longContextAboveTokens;
        fc.pre(
          exactCost(price, toUsage(first), { serviceTier }).longContextAboveTokens === wholeTier &&
            exactCost(price, toUsage(second), { serviceTier }).longContextAboveTokens === wholeTier,
        );
        // Exact amounts add up exactly; rounded totals differ by at most one micro-dollar.
        assert.equal(exactTotal(price, whole, serviceTier), exactTotal(price, toUsage(first), serviceTier) + exactTotal(price, toUsage(second), serviceTier));
        const split = priceUsage(price, toUsage(first), { serviceTier }).totalMicros + priceUsage(price, toUsage(second), { serviceTier }).totalMicros;
        assert.ok(Math.abs(priceUsage(price, whole, { serviceTier }).totalMicros - split) <= 1);
      }),
      { numRuns: 300, maxSkipsPerRun: 1000 },
    );
  });

  it('charges a batch exactly its percentage of standard', () => {
    fc.assert(
      fc.property(anyPrice, billed, (price, tokens) => {
        const percent = price.serviceTiers.batch;
        fc.pre(percent !== undefined);
        const usage = toUsage(tokens);
        assert.equal(exactTotal(price, usage, 'batch') * 100n, exactTotal(price, usage, 'standard') * BigInt(percent ?? 0));
      }),
      runs,
    );
  });

  it('never charges reasoning on top of output', () => {
    fc.assert(
      fc.property(anyPrice, billed, fc.double({ min: 0, max: 1, noNaN: true }), (price, tokens, share) => {
        assert.equal(priceUsage(price, toUsage(tokens, share)).totalMicros, priceUsage(price, toUsage(tokens, 0)).totalMicros);
      }),
      runs,
    );
  });
});
