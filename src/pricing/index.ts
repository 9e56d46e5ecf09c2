/**
 * Prices and exact costs: the seeded price catalog, the config's `pricing:` overrides, model lookup
 * tolerant of dated snapshots, and integer micro-dollar costs of canonical usage. See README.md.
 */
export { buildPriceCatalog } from './catalog.js';
export type { LongContextRates, ModelPrice, PriceCatalog, PriceQuery, ServiceTier, TokenRates } from './catalog.js';
export { PRICING_FAMILY, pricingFamily, type PricingFamily } from './families.js';
export { microsToUsd, usdToMicros } from './money.js';
export { billedTokens, priceUsage, type BilledTokens, type CostBreakdown, type PriceOptions } from './price-usage.js';
export { pricingOverridesSchema, priceEntrySchema, type PriceEntry, type PriceEntryInput, type PricingOverrides } from './schema.js';
export { serviceTierFromOpenAI } from './service-tier.js';
