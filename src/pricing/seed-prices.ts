import type { PriceEntryInput } from './schema.js';

/**
 * The prices shipped with the gateway, in the same format as the config file's `pricing:` section
 * (see schema.ts and README.md). USD per million tokens; service tiers in percent of standard.
 *
 * `verified: true` means the figure was read on the provider's own pricing page. `verified: false`
 * means it comes from consistent third-party transcriptions of that page, or is inferred (the note
 * says which): check it before billing anyone. Update a price by editing its figure and `as_of`.
 */

const CHECKED = '2026-11-22';

const openai = { as_of: CHECKED, source: 'https://developers.openai.com/api/docs/pricing' } as const;
const openaiFastMode = { as_of: CHECKED, source: 'https://openai.com/api-fast-mode/', verified: true } as const;
const anthropic = { as_of: CHECKED, source: 'https://platform.claude.com/docs/en/about-claude/pricing' } as const;
const google = { as_of: CHECKED, source: 'https://ai.google.dev/gemini-api/docs/pricing' } as const;
const deepseek = { as_of: CHECKED, source: 'https://api-docs.deepseek.com/quick_start/pricing' } as const;

const OPENAI_STANDARD_NOTE = 'standard prices as transcribed from the pricing page by several third parties; the page itself was not read';
const OPENAI_LONG_CONTEXT_NOTE = 'whole request at 2x input, 1.5x output once input exceeds 272K tokens';
const ANTHROPIC_FLAT_NOTE = 'flat across the 1M window: no long-context premium since 1M went GA (2026-03-13)';
const ANTHROPIC_BATCH = { percent: 50, ...anthropic, verified: false, note: 'Message Batches API; cache multipliers stack on it' } as const;
const GOOGLE_BATCH = { percent: 50, ...google, verified: false } as const;
const DEEPSEEK_OFF_PEAK = {
  percent: 50,
  ...deepseek,
  verified: true,
  note: 'peak 01:00-04:00 and 06:00-10:00 UTC on weekdays; the standard price here is the peak one',
} as const;

export const SEED_PRICES: Readonly<Record<string, PriceEntryInput>> = {
  // ---------------------------------------------------------------------------------------------
  // OpenAI: cached input is 0.1x; no cache-write charge (writes bill as input).
  // ---------------------------------------------------------------------------------------------
  'openai/gpt-5.5': {
    ...openai,
    verified: false,
    note: OPENAI_STANDARD_NOTE,
    input: 5,
    cached_input: 0.5,
    output: 30,
    long_context: [{ above_input_tokens: 272_000, input: 10, cached_input: 1, output: 45, note: OPENAI_LONG_CONTEXT_NOTE }],
    service_tiers: {
      batch: 50,
      flex: 50,
      priority: { percent: 250, ...openaiFastMode, note: 'fast mode (formerly priority): $12.50 / $1.25 / $75' },
    },
  },
  'openai/gpt-5.5-pro': {
    ...openai,
    verified: false,
    note: `${OPENAI_STANDARD_NOTE}; no cached-input price is listed, so cache hits bill as input`,
    input: 30,
    output: 180,
    long_context: [
      {
        above_input_tokens: 272_000,
        input: 60,
        output: 270,
        note: 'assumed: the gpt-5.5 long-context rule; not seen listed for pro (an over-estimate if it does not apply)',
      },
    ],
    service_tiers: { batch: 50 },
  },
  'openai/gpt-5.4': {
    ...openai,
    verified: false,
    note: OPENAI_STANDARD_NOTE,
    input: 2.5,
    cached_input: 0.25,
    output: 15,
    long_context: [{ above_input_tokens: 272_000, input: 5, cached_input: 0.5, output: 22.5, note: OPENAI_LONG_CONTEXT_NOTE }],
    service_tiers: {
      batch: 50,
      flex: 50,
      priority: { percent: 200, ...openaiFastMode, note: 'fast mode (formerly priority): $5.00 / $0.50 / $30' },
    },
  },
  'openai/gpt-5.4-mini': {
    ...openai,
    verified: false,
    note: OPENAI_STANDARD_NOTE,
    input: 0.75,
    cached_input: 0.075,
    output: 4.5,
    long_context: [
      {
        above_input_tokens: 272_000,
        input: 1.5,
        cached_input: 0.15,
        output: 6.75,
        note: 'inferred: the fast-mode page marks gpt-5.4 mini as having long-context pricing like gpt-5.4',
      },
    ],
    service_tiers: {
      batch: 50,
      flex: 50,
      priority: { percent: 200, ...openaiFastMode, note: 'fast mode (formerly priority): $1.50 / $0.15 / $9' },
    },
  },

  // ---------------------------------------------------------------------------------------------
  // Anthropic: cache writes 1.25x input (5 minutes) or 2x (1 hour), cache reads 0.1x.
  // ---------------------------------------------------------------------------------------------
  'anthropic/claude-opus-4-7': {
    ...anthropic,
    verified: true,
    note: ANTHROPIC_FLAT_NOTE,
    input: 5,
    cache_write_5m: 6.25,
    cache_write_1h: 10,
    cached_input: 0.5,
    output: 25,
    service_tiers: { batch: ANTHROPIC_BATCH },
  },
  'anthropic/claude-sonnet-4-6': {
    ...anthropic,
    verified: true,
    note: ANTHROPIC_FLAT_NOTE,
    input: 3,
    cache_write_5m: 3.75,
    cache_write_1h: 6,
    cached_input: 0.3,
    output: 15,
    service_tiers: { batch: ANTHROPIC_BATCH },
  },
  'anthropic/claude-sonnet-4-5': {
    ...anthropic,
    verified: true,
    input: 3,
    cache_write_5m: 3.75,
    cache_write_1h: 6,
    cached_input: 0.3,
    output: 15,
    long_context: [
      {
        above_input_tokens: 200_000,
        verified: false,
        note: '1M-context beta: whole request at 2x input, 1.5x output, cache multipliers applied to the doubled input',
        input: 6,
        cache_write_5m: 7.5,
        cache_write_1h: 12,
        cached_input: 0.6,
        output: 22.5,
      },
    ],
    service_tiers: { batch: ANTHROPIC_BATCH },
  },
  'anthropic/claude-haiku-4-5': {
    ...anthropic,
    verified: true,
    note: '200K context window: no long-context tier',
    input: 1,
    cache_write_5m: 1.25,
    cache_write_1h: 2,
    cached_input: 0.1,
    output: 5,
    service_tiers: { batch: ANTHROPIC_BATCH },
  },

  // ---------------------------------------------------------------------------------------------
  // Google: implicit and explicit cache reads at the cached price; explicit-cache storage (per hour)
  // and audio input (priced higher on some models) are not per-request token prices and not modelled.
  // ---------------------------------------------------------------------------------------------
  'google/gemini-3.1-pro': {
    ...google,
    verified: false,
    note: 'served as gemini-3.1-pro-preview; prices as transcribed from the pricing page by third parties',
    aliases: ['gemini-3.1-pro-preview-customtools'],
    input: 2,
    cached_input: 0.2,
    output: 12,
    long_context: [{ above_input_tokens: 200_000, input: 4, cached_input: 0.4, output: 18, note: 'prompts > 200k tokens' }],
    service_tiers: { batch: GOOGLE_BATCH },
  },
  'google/gemini-3-flash': {
    ...google,
    verified: false,
    note: 'served as gemini-3-flash-preview; text/image/video input price (audio input is $1.00 and is under-counted)',
    input: 0.5,
    cached_input: 0.05,
    output: 3,
    service_tiers: { batch: GOOGLE_BATCH },
  },

  // ---------------------------------------------------------------------------------------------
  // DeepSeek: cache hits at the cached price; misses (cache writes included) at the input price.
  // ---------------------------------------------------------------------------------------------
  'deepseek/deepseek-v4-pro': {
    ...deepseek,
    verified: true,
    note: 'peak prices (billing by time of day since 2026-08-16); pass the off_peak tier when known',
    input: 1.32,
    cached_input: 0.044,
    output: 3.96,
    service_tiers: { off_peak: DEEPSEEK_OFF_PEAK },
  },
  'deepseek/deepseek-flash': {
    ...deepseek,
    verified: true,
    note: 'DeepSeek-V4.1-Flash; deepseek-v4-flash is a legacy name served by it. Peak prices, as above',
    aliases: ['deepseek-v4-flash'],
    input: 0.3,
    cached_input: 0.006,
    output: 1.2,
    service_tiers: { off_peak: DEEPSEEK_OFF_PEAK },
  },

  // ---------------------------------------------------------------------------------------------
  // Self-hosted (ollama, vllm): every model is free per token.
  // ---------------------------------------------------------------------------------------------
  'local/*': {
    as_of: CHECKED,
    source: 'self-hosted: no per-token bill',
    verified: true,
    input: 0,
    output: 0,
  },
};
