import type { ServiceTier } from './catalog.js';

/**
 * The tier OpenAI reports in a response's `service_tier` as a pricing tier. `priority` was renamed
 * `fast` on 2026-07-30 and both names are accepted (https://openai.com/api-fast-mode/); `default`,
 * `auto`, `scale` and anything unknown bill at the standard price. Batch API results do not say they
 * were batched: the caller that submitted the batch passes `batch` itself.
 */
export function serviceTierFromOpenAI(value: unknown): ServiceTier {
  if (value === 'flex') return 'flex';
  if (value === 'priority' || value === 'fast') return 'priority';
  return 'standard';
}
