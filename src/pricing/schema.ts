import { z } from 'zod';
import { usdToMicros } from './money.js';

/**
 * The price catalog's data format, shared by the seeded catalog (`seed-prices.ts`) and the config
 * file's `pricing:` section, so both are checked by one strict schema. Keys are snake_case like the
 * rest of the config; prices are written as people read them on pricing pages: USD per million tokens.
 *
 * ```yaml
 * pricing:
 *   openai/gpt-5.5:                 # `family/model`, `provider/model` (a configured provider) or `model`
 *     input: 5
 *     cached_input: 0.5
 *     output: 30
 *     long_context:
 *       - { above_input_tokens: 272000, input: 10, cached_input: 1, output: 45 }
 *     service_tiers: { batch: 50, flex: 50, priority: 250 }   # percent of the standard price
 * ```
 */

const nonEmpty = z.string().trim().min(1, 'must not be empty');
const isoDate = z.iso.date({ error: 'a date as YYYY-MM-DD' });

/** Where a figure came from. Omitted fields inherit the entry's; `verified` defaults to true. */
const provenanceShape = {
  as_of: isoDate.optional(),
  /** The provider's pricing page (or, for prices no provider bills, why there is none). */
  source: nonEmpty.optional(),
  /** false: not read on the provider's own page; treat as an estimate and check it. */
  verified: z.boolean().optional(),
  note: z.string().optional(),
};

const usdPerMillionTokens = z.union([z.number(), z.string()]).refine((value) => usdToMicros(value) !== undefined, {
  message: 'USD per million tokens: a non-negative decimal with at most 6 decimal places',
});

/** A price: a bare number, or `{ usd, as_of, source, verified, note }` when it has its own provenance. */
const priceFigureSchema = z.union([usdPerMillionTokens, z.strictObject({ usd: usdPerMillionTokens, ...provenanceShape })]);

const ratesShape = {
  /** Uncached input tokens. */
  input: priceFigureSchema,
  /** Output tokens, reasoning included. */
  output: priceFigureSchema,
  /** Input read from the prompt cache; omitted: the model has no cache discount (billed as input). */
  cached_input: priceFigureSchema.optional(),
  /** Input written to the cache with the default (5-minute) TTL; omitted: billed as input. */
  cache_write_5m: priceFigureSchema.optional(),
  /** Input written with Anthropic's 1-hour TTL; omitted: billed as a 5-minute write. */
  cache_write_1h: priceFigureSchema.optional(),
};

export const OPTIONAL_RATE_FIELDS = ['cached_input', 'cache_write_5m', 'cache_write_1h'] as const;

/** Rates for the whole request once its input (cached and cache-write tokens included) exceeds a threshold. */
const longContextTierSchema = z.strictObject({
  above_input_tokens: z.number().int().positive(),
  ...ratesShape,
  ...provenanceShape,
});

const percentOfStandard = z.number().int().positive().max(10_000);
const serviceTierFigureSchema = z.union([percentOfStandard, z.strictObject({ percent: percentOfStandard, ...provenanceShape })]);

/** Every price of the request scaled by a percentage: batch 50, OpenAI priority ("fast") 250, … */
const serviceTiersSchema = z.strictObject({
  batch: serviceTierFigureSchema.optional(),
  flex: serviceTierFigureSchema.optional(),
  priority: serviceTierFigureSchema.optional(),
  /** DeepSeek's off-peak hours; the standard price is then the peak one. */
  off_peak: serviceTierFigureSchema.optional(),
});

export const priceEntrySchema = z
  .strictObject({
    ...ratesShape,
    long_context: z.array(longContextTierSchema).optional(),
    service_tiers: serviceTiersSchema.optional(),
    /**
     * Other names served at the same price, in the key's scope (the part before its first `/`).
     * Dated snapshots need no alias: they match on their own.
     */
    aliases: z.array(nonEmpty).optional(),
    ...provenanceShape,
  })
  .superRefine((entry, context) => {
    const thresholds = new Set<number>();
    (entry.long_context ?? []).forEach((tier, index) => {
      if (thresholds.has(tier.above_input_tokens)) {
        context.addIssue({ code: 'custom', path: ['long_context', index, 'above_input_tokens'], message: 'a threshold appears twice' });
      }
      thresholds.add(tier.above_input_tokens);
      // A tier restates exactly the base's rates: one missing or extra would silently fall back to
      // another price on one side of the threshold, and a request could get cheaper by growing.
      for (const field of OPTIONAL_RATE_FIELDS) {
        if (entry[field] !== undefined && tier[field] === undefined) {
          context.addIssue({ code: 'custom', path: ['long_context', index, field], message: `required: the base rates define ${field}` });
        }
        if (entry[field] === undefined && tier[field] !== undefined) {
          context.addIssue({ code: 'custom', path: ['long_context', index, field], message: `not allowed: the base rates do not define ${field}` });
        }
      }
    });
  });

/** The config file's `pricing:` section: entries keyed `provider/model`, `family/model` or a bare model name. */
export const pricingOverridesSchema = z.record(z.string().regex(/^\S+$/, 'a model key has no spaces'), priceEntrySchema);

export type PriceFigureInput = z.input<typeof priceFigureSchema>;
export type PriceEntryInput = z.input<typeof priceEntrySchema>;
export type PriceEntry = z.output<typeof priceEntrySchema>;
export type PricingOverrides = z.output<typeof pricingOverridesSchema>;
export type PricingOverridesInput = z.input<typeof pricingOverridesSchema>;
