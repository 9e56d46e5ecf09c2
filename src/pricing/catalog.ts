import type { ProviderKind } from '../providers/kinds.js';
import { pricingFamily } from './families.js';
import { matchModelKey, normalizeModelName } from './model-name.js';
import { usdToMicros } from './money.js';
import { pricingOverridesSchema, type PriceEntry, type PricingOverrides } from './schema.js';
import { SEED_PRICES } from './seed-prices.js';

/** Integer micro-dollars per million tokens, which is also pico-dollars per token. */
export interface TokenRates {
  input: number;
  output: number;
  cachedInput?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
}

export interface LongContextRates extends TokenRates {
  /** These rates apply to the whole request when its input tokens exceed this. */
  aboveInputTokens: number;
}

export type ServiceTier = 'standard' | 'batch' | 'flex' | 'priority' | 'off_peak';

/** One model's prices, resolved from the catalog data: integers only. */
export interface ModelPrice {
  /** The catalog key that matched, as written (`openai/gpt-5.5`), for the ledger and the dashboard. */
  key: string;
  origin: 'seed' | 'override';
  rates: TokenRates;
  /** Ascending by threshold. */
  longContext: LongContextRates[];
  /** Percent of the standard price; a tier absent here is not offered (or not known) for the model. */
  serviceTiers: Partial<Record<Exclude<ServiceTier, 'standard'>, number>>;
  asOf?: string;
  source?: string;
  /** Every figure was read on the provider's own page (or set by the operator). */
  verified: boolean;
  /** Paths of the figures that were not, e.g. `long_context[0].output`, `service_tiers.batch`. */
  unverified: string[];
}

export interface PriceQuery {
  kind: ProviderKind;
  /** The upstream model name as sent to (or reported by) the provider. */
  model: string;
  /** The configured provider's name, so `pricing:` can key an entry to one provider (`work-azure/prod-gpt`). */
  provider?: string;
}

export interface PriceCatalog {
  /** The price for this model, or undefined when unknown: record the cost as unknown, never as 0. */
  lookup(query: PriceQuery): ModelPrice | undefined;
  readonly entries: readonly ModelPrice[];
}

const LOOKUP_CACHE_LIMIT = 1024;

/**
 * The seeded catalog merged with the config's `pricing:` overrides. An override replaces any seeded
 * entry it matches as a whole (a partial override could leave a long-context tier at stale prices).
 * Lookup order: override `provider/model`, override `family/model`, override `model`, seeded
 * `family/model`; within each, the exact name, then the longest name it is a snapshot of, then the
 * scope's `*` entry.
 */
export function buildPriceCatalog(overrides: PricingOverrides = {}): PriceCatalog {
  const seeds = indexEntries(parseSeeds(), 'seed');
  const configured = indexEntries(overrides, 'override');
  const cache = new Map<string, ModelPrice | null>();

  function find(index: Map<string, ModelPrice>, scope: string, name: string): ModelPrice | undefined {
    const key = matchModelKey(`${scope}${name}`, index.keys(), `${scope}*`);
    return key === undefined ? undefined : index.get(key);
  }

  function lookup(query: PriceQuery): ModelPrice | undefined {
    const name = normalizeModelName(query.model);
    const family = pricingFamily(query.kind);
    const provider = query.provider?.trim().toLowerCase();
    const cacheKey = `${provider ?? ''}\u0000${query.kind}\u0000${name}`;
    const cached = cache.get(cacheKey);
    if (cached !== undefined) return cached ?? undefined;
    const found =
      (provider === undefined ? undefined : find(configured, `${provider}/`, name)) ??
      find(configured, `${family}/`, name) ??
      find(configured, '', name) ??
      find(seeds, `${family}/`, name);
    if (cache.size >= LOOKUP_CACHE_LIMIT) cache.clear();
    cache.set(cacheKey, found ?? null);
    return found;
  }

  return { lookup, entries: [...configured.values(), ...seeds.values()].filter(unique) };
}

let parsedSeeds: PricingOverrides | undefined;

/** The seeds go through the same schema as the config, once, so a typo in them fails loudly at start. */
function parseSeeds(): PricingOverrides {
  parsedSeeds ??= pricingOverridesSchema.parse(SEED_PRICES);
  return parsedSeeds;
}

/** Keys and aliases, lower case, to the resolved price (aliases share the object). */
function indexEntries(entries: PricingOverrides, origin: ModelPrice['origin']): Map<string, ModelPrice> {
  const index = new Map<string, ModelPrice>();
  for (const [key, entry] of Object.entries(entries)) {
    const price = resolveEntry(key, entry, origin);
    index.set(key.toLowerCase(), price);
    // An alias lives in its key's scope: `google/x` with alias `y` also answers to `google/y`.
    const slash = key.indexOf('/');
    const scope = slash === -1 ? '' : key.slice(0, slash + 1);
    for (const alias of entry.aliases ?? []) index.set(`${scope}${alias}`.toLowerCase(), price);
  }
  return index;
}

function unique(price: ModelPrice, index: number, all: ModelPrice[]): boolean {
  return all.indexOf(price) === index;
}

type Figure = PriceEntry['input'];

function resolveEntry(key: string, entry: PriceEntry, origin: ModelPrice['origin']): ModelPrice {
  const unverified: string[] = [];
  const entryVerified = entry.verified ?? true;

  function micros(figure: Figure, path: string, inherited: boolean): number {
    const own = typeof figure === 'object' ? figure : { usd: figure, verified: undefined };
    if (!(own.verified ?? inherited)) unverified.push(path);
    const value = usdToMicros(own.usd);
    // Only reachable by skipping the schema: a price must never become NaN in a ledger.
    if (value === undefined) throw new TypeError(`pricing ${key}: ${path} is not a USD amount: ${String(own.usd)}`);
    return value;
  }

  function rates(source: PriceEntry | NonNullable<PriceEntry['long_context']>[number], prefix: string, inherited: boolean): TokenRates {
    const result: TokenRates = {
      input: micros(source.input, `${prefix}input`, inherited),
      output: micros(source.output, `${prefix}output`, inherited),
    };
    if (source.cached_input !== undefined) result.cachedInput = micros(source.cached_input, `${prefix}cached_input`, inherited);
    if (source.cache_write_5m !== undefined) result.cacheWrite5m = micros(source.cache_write_5m, `${prefix}cache_write_5m`, inherited);
    if (source.cache_write_1h !== undefined) result.cacheWrite1h = micros(source.cache_write_1h, `${prefix}cache_write_1h`, inherited);
    return result;
  }

  const base = rates(entry, '', entryVerified);
  const longContext = (entry.long_context ?? [])
    .map((tier, index) => ({
      aboveInputTokens: tier.above_input_tokens,
      ...rates(tier, `long_context[${index}].`, tier.verified ?? entryVerified),
    }))
    .sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);

  const serviceTiers: ModelPrice['serviceTiers'] = {};
  for (const [name, figure] of Object.entries(entry.service_tiers ?? {})) {
    if (figure === undefined) continue;
    const tier = name as keyof ModelPrice['serviceTiers'];
    serviceTiers[tier] = typeof figure === 'number' ? figure : figure.percent;
    const verified = (typeof figure === 'number' ? undefined : figure.verified) ?? entryVerified;
    if (!verified) unverified.push(`service_tiers.${tier}`);
  }

  const price: ModelPrice = { key, origin, rates: base, longContext, serviceTiers, verified: unverified.length === 0, unverified };
  if (entry.as_of !== undefined) price.asOf = entry.as_of;
  if (entry.source !== undefined) price.source = entry.source;
  return price;
}
