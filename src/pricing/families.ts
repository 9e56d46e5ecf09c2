import type { ProviderKind } from '../providers/kinds.js';

/**
 * Which price list a provider kind bills from: the first part of a seeded catalog key
 * (`openai/gpt-5.5`). Kinds that resell one vendor's models at its list prices share a family.
 * `satisfies` makes a new provider kind a compile error here until someone decides how it is billed.
 */
export const PRICING_FAMILY = {
  openai: 'openai',
  'openai-responses': 'openai',
  // Azure global deployments bill OpenAI's list prices; data-zone and regional ones add a premium, and
  // deployment names are the operator's own, so both usually need a `pricing:` entry.
  'azure-openai': 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  // Vertex AI lists the same per-token prices as the Gemini API for these models.
  'vertex-gemini': 'google',
  deepseek: 'deepseek',
  // Self-hosted servers: no per-token bill (hardware is not a per-request cost).
  ollama: 'local',
  vllm: 'local',
  groq: 'groq',
  together: 'together',
  // Could be anything from a laptop to a paid reseller: nothing is assumed, configure it.
  'openai-compatible': 'openai-compatible',
} as const satisfies Record<ProviderKind, string>;

export type PricingFamily = (typeof PRICING_FAMILY)[ProviderKind];

export function pricingFamily(kind: ProviderKind): PricingFamily {
  return PRICING_FAMILY[kind];
}
