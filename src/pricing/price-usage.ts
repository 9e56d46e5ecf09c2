import type { CanonicalUsage } from '../canonical/types.js';
import type { LongContextRates, ModelPrice, ServiceTier, TokenRates } from './catalog.js';
import { allocateRounded, divideRoundHalfUp } from './money.js';

export interface PriceOptions {
  /** How the provider served the request; a tier the model has no price for bills as standard. */
  serviceTier?: ServiceTier;
}

/** A request's cost in integer micro-dollars (1e-6 USD). The five parts add up to `totalMicros`. */
export interface CostBreakdown {
  /** Input neither read from nor written to the prompt cache. */
  uncachedInputMicros: number;
  /** Input read from the prompt cache. */
  cachedInputMicros: number;
  /** Input written to the cache with the default (5-minute) TTL. */
  cacheWrite5mMicros: number;
  /** Input written to the cache with the 1-hour TTL. */
  cacheWrite1hMicros: number;
  /** Output, reasoning included (reasoning is a part of the output count, never added to it). */
  outputMicros: number;
  totalMicros: number;
  /** What the cache reads saved against paying full input price for them (never negative). */
  savedByCacheMicros: number;
  /** The long-context tier applied (its threshold), absent at the base rates. */
  longContextAboveTokens?: number;
  /** The tier actually applied: `standard` when the requested one has no price for this model. */
  serviceTier: ServiceTier;
}

/** The token counts a bill is made of; each is charged once. */
export interface BilledTokens {
  uncachedInput: number;
  cachedInput: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
}

/**
 * Canonical usage as disjoint billed counts. `inputTokens` INCLUDES the cached and cache-write
 * tokens and `outputTokens` INCLUDES reasoning (canonical/types.ts), so the uncached input is what
 * remains after taking the cache counts out. Counts that do not add up (a detail larger than its
 * total) are billed as the details say, never below them: an inconsistent report must not turn
 * paid tokens into free ones. Negative, fractional or non-finite counts are read as whole numbers ≥ 0.
 */
export function billedTokens(usage: CanonicalUsage): BilledTokens {
  const cachedInput = wholeCount(usage.cachedInputTokens);
  const cacheWrite = wholeCount(usage.cacheWriteTokens);
  const cacheWrite1h = Math.min(wholeCount(usage.cacheWrite1hTokens), cacheWrite);
  return {
    uncachedInput: Math.max(0, wholeCount(usage.inputTokens) - cachedInput - cacheWrite),
    cachedInput,
    cacheWrite5m: cacheWrite - cacheWrite1h,
    cacheWrite1h,
    output: Math.max(wholeCount(usage.outputTokens), wholeCount(usage.reasoningTokens)),
  };
}

/**
 * Exact cost parts in units of 1e-8 micro-dollars: tokens × (micro-dollars per million tokens) ×
 * percent, so a later division by 1e6 (per million) × 100 (percent) is the only rounding step.
 */
export const EXACT_UNITS_PER_MICRO = 100_000_000n;

export interface ExactCost {
  parts: [uncachedInput: bigint, cachedInput: bigint, cacheWrite5m: bigint, cacheWrite1h: bigint, output: bigint];
  savedByCache: bigint;
  rates: TokenRates;
  longContextAboveTokens?: number;
  serviceTier: ServiceTier;
}

export function exactCost(price: ModelPrice, usage: CanonicalUsage, options: PriceOptions = {}): ExactCost {
  const tokens = billedTokens(usage);
  // Providers pick the tier by the request's whole input, cache reads and writes included.
  const promptTokens = tokens.uncachedInput + tokens.cachedInput + tokens.cacheWrite5m + tokens.cacheWrite1h;
  const tier = longContextTier(price.longContext, promptTokens);
  const rates: TokenRates = tier ?? price.rates;
  const requested = options.serviceTier ?? 'standard';
  const percent = requested === 'standard' ? undefined : price.serviceTiers[requested];
  const scale = BigInt(percent ?? 100);

  const cachedRate = rates.cachedInput ?? rates.input;
  const write5mRate = rates.cacheWrite5m ?? rates.input;
  const write1hRate = rates.cacheWrite1h ?? write5mRate;
  const charge = (count: number, rate: number): bigint => BigInt(count) * BigInt(rate) * scale;

  const result: ExactCost = {
    parts: [
      charge(tokens.uncachedInput, rates.input),
      charge(tokens.cachedInput, cachedRate),
      charge(tokens.cacheWrite5m, write5mRate),
      charge(tokens.cacheWrite1h, write1hRate),
      charge(tokens.output, rates.output),
    ],
    savedByCache: charge(tokens.cachedInput, Math.max(0, rates.input - cachedRate)),
    rates,
    serviceTier: percent === undefined ? 'standard' : requested,
  };
  if (tier !== undefined) result.longContextAboveTokens = tier.aboveInputTokens;
  return result;
}

/**
 * The cost of one request. Rounding: every part is computed exactly (integer arithmetic on
 * pico-dollars), the total is rounded once to the micro-dollar, half up; the parts are then rounded
 * so that they add up to that total (largest remainder first), each within 1 micro-dollar of exact.
 */
export function priceUsage(price: ModelPrice, usage: CanonicalUsage, options: PriceOptions = {}): CostBreakdown {
  const exact = exactCost(price, usage, options);
  const { parts, total } = allocateRounded(exact.parts, EXACT_UNITS_PER_MICRO);
  const [uncachedInput = 0n, cachedInput = 0n, cacheWrite5m = 0n, cacheWrite1h = 0n, output = 0n] = parts;
  const breakdown: CostBreakdown = {
    uncachedInputMicros: Number(uncachedInput),
    cachedInputMicros: Number(cachedInput),
    cacheWrite5mMicros: Number(cacheWrite5m),
    cacheWrite1hMicros: Number(cacheWrite1h),
    outputMicros: Number(output),
    totalMicros: Number(total),
    savedByCacheMicros: Number(divideRoundHalfUp(exact.savedByCache, EXACT_UNITS_PER_MICRO)),
    serviceTier: exact.serviceTier,
  };
  if (exact.longContextAboveTokens !== undefined) breakdown.longContextAboveTokens = exact.longContextAboveTokens;
  return breakdown;
}

/** The highest tier whose threshold the input exceeds (thresholds are "more than N tokens"). */
function longContextTier(tiers: readonly LongContextRates[], promptTokens: number): LongContextRates | undefined {
  let chosen: LongContextRates | undefined;
  for (const tier of tiers) {
    if (promptTokens > tier.aboveInputTokens && (chosen === undefined || tier.aboveInputTokens > chosen.aboveInputTokens)) chosen = tier;
  }
  return chosen;
}

function wholeCount(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}
