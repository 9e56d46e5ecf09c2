import type { CanonicalUsage } from '../canonical/types.js';
import { buildPriceCatalog, type ModelPrice } from './catalog.js';
import { microsToUsd } from './money.js';
import { pricingOverridesSchema } from './schema.js';
import { SEED_PRICES } from './seed-prices.js';

/** A seeded price by its catalog key; throws when it is missing so a test fails by name. */
export function seeded(key: string): ModelPrice {
  const price = buildPriceCatalog().entries.find((entry) => entry.key === key);
  if (price === undefined) throw new Error(`no seeded price ${key}`);
  return price;
}

export function usage(fields: Partial<CanonicalUsage>): CanonicalUsage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...fields };
}

/** The README's table of seeded prices, rendered from the data so the two cannot drift apart. */
export function renderSeedTable(): string {
  const seeds = pricingOverridesSchema.parse(SEED_PRICES);
  const usd = (micros: number | undefined): string => (micros === undefined ? '–' : microsToUsd(micros));
  const lines = [
    '| Key | Input | Cached input | Cache write 5m | Cache write 1h | Output | Long context (input > N: in / cached / out) | Service tiers (% of standard) | As of | Verified |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |',
  ];
  for (const key of Object.keys(seeds)) {
    const price = seeded(key);
    const { rates } = price;
    const longContext = price.longContext
      .map((tier) => {
        const writes = tier.cacheWrite5m === undefined ? '' : ` (writes ${usd(tier.cacheWrite5m)} / ${usd(tier.cacheWrite1h)})`;
        return `> ${tier.aboveInputTokens}: ${usd(tier.input)} / ${usd(tier.cachedInput)} / ${usd(tier.output)}${writes}`;
      })
      .join('; ');
    const tiers = Object.entries(price.serviceTiers)
      .map(([name, percent]) => `${name} ${percent}`)
      .join(', ');
    const cells = [
      `\`${key}\``,
      usd(rates.input),
      usd(rates.cachedInput),
      usd(rates.cacheWrite5m),
      usd(rates.cacheWrite1h),
      usd(rates.output),
      longContext || '–',
      tiers || '–',
      price.asOf ?? '–',
      price.verified ? 'yes' : `no: ${unverifiedGroups(price.unverified)}`,
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function unverifiedGroups(paths: readonly string[]): string {
  const groups = paths.map((path) => (path.startsWith('long_context') ? 'long context' : path.startsWith('service_tiers.') ? path.slice('service_tiers.'.length) : 'base prices'));
  return [...new Set(groups)].join(', ');
}
