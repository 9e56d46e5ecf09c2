import type { AnthropicEffort } from './wire-types.js';

/**
 * What the request encoder must know about the target Claude model: the `max_tokens` to send when the
 * caller named none (Anthropic requires it; PROTOCOLS.md trap 9), which thinking modes it accepts, and
 * which sampling parameters it still takes. Sources: Anthropic's models overview and per-model pages
 * (https://platform.claude.com/docs/en/about-claude/models/overview), the adaptive-thinking and effort
 * pages, and the 400s seen in the wild ("`temperature` is deprecated for this model" on Opus 4.7,
 * "`temperature` and `top_p` cannot both be specified for this model" since Opus 4.1 / the 4.5 family).
 *
 * The table is documented for users in README.md; keep the two in step.
 */

/** Which `thinking` configurations a model accepts. */
export type ThinkingSupport =
  /** No extended thinking: `reasoning` is dropped. */
  | 'none'
  /** `{type:"enabled", budget_tokens}` only. */
  | 'budget'
  /** Both manual budgets (deprecated there) and `{type:"adaptive"}` + `output_config.effort`. */
  | 'budget-or-adaptive'
  /** `{type:"adaptive"}` + `output_config.effort` only; `budget_tokens` is a 400. */
  | 'adaptive-only';

/** Which sampling parameters a model accepts. */
export type SamplingSupport =
  /** temperature, top_p, top_k. */
  | 'all'
  /** temperature and top_p cannot both be set; top_k is fine. */
  | 'temperature-or-top-p'
  /** No sampling parameters (non-default values are a 400). */
  | 'none';

export interface AnthropicModelProfile {
  /** The model-id prefix this row covers (dated snapshots and provider prefixes match too). */
  family: string;
  /** The model's output limit; also the `max_tokens` sent when the caller set none. */
  maxOutputTokens: number;
  thinking: ThinkingSupport;
  sampling: SamplingSupport;
  /** `output_config.effort` levels the model accepts (only consulted for adaptive thinking). */
  efforts: readonly AnthropicEffort[];
  /** Whether `output_config.format` (structured outputs) is available. */
  structuredOutputs: boolean;
  /** Whether `thinking.display` (summarized / omitted) is accepted. */
  thinkingDisplay: boolean;
}

const ADAPTIVE_EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
const ADAPTIVE_EFFORTS_NO_XHIGH = ['low', 'medium', 'high', 'max'] as const;

function adaptiveOnly(family: string, maxOutputTokens: number): AnthropicModelProfile {
  return { family, maxOutputTokens, thinking: 'adaptive-only', sampling: 'none', efforts: ADAPTIVE_EFFORTS, structuredOutputs: true, thinkingDisplay: true };
}

function budgetModel(family: string, maxOutputTokens: number, sampling: SamplingSupport, structuredOutputs: boolean): AnthropicModelProfile {
  return { family, maxOutputTokens, thinking: 'budget', sampling, efforts: [], structuredOutputs, thinkingDisplay: false };
}

function legacyModel(family: string, maxOutputTokens: number): AnthropicModelProfile {
  return { family, maxOutputTokens, thinking: 'none', sampling: 'all', efforts: [], structuredOutputs: false, thinkingDisplay: false };
}

export const ANTHROPIC_MODEL_PROFILES: readonly AnthropicModelProfile[] = [
  adaptiveOnly('claude-fable-5', 128_000),
  adaptiveOnly('claude-mythos', 128_000),
  adaptiveOnly('claude-opus-5', 128_000),
  adaptiveOnly('claude-sonnet-5', 128_000),
  // Haiku 5.x: no page found; assumed to follow the Sonnet 5 rules with Haiku 4.5's output limit.
  adaptiveOnly('claude-haiku-5', 64_000),
  adaptiveOnly('claude-opus-4-8', 128_000),
  adaptiveOnly('claude-opus-4-7', 128_000),
  {
    family: 'claude-opus-4-6',
    maxOutputTokens: 128_000,
    thinking: 'budget-or-adaptive',
    sampling: 'temperature-or-top-p',
    // Recorded: "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium."
    efforts: ADAPTIVE_EFFORTS_NO_XHIGH,
    structuredOutputs: true,
    thinkingDisplay: true,
  },
  {
    family: 'claude-sonnet-4-6',
    maxOutputTokens: 64_000,
    thinking: 'budget-or-adaptive',
    sampling: 'temperature-or-top-p',
    efforts: ADAPTIVE_EFFORTS_NO_XHIGH,
    structuredOutputs: true,
    thinkingDisplay: true,
  },
  budgetModel('claude-opus-4-5', 64_000, 'temperature-or-top-p', true),
  budgetModel('claude-sonnet-4-5', 64_000, 'temperature-or-top-p', true),
  budgetModel('claude-haiku-4-5', 64_000, 'temperature-or-top-p', true),
  budgetModel('claude-opus-4-1', 32_000, 'temperature-or-top-p', false),
  budgetModel('claude-opus-4', 32_000, 'all', false),
  budgetModel('claude-sonnet-4', 64_000, 'all', false),
  budgetModel('claude-3-7-sonnet', 64_000, 'all', false),
  legacyModel('claude-3-5-sonnet', 8_192),
  legacyModel('claude-3-5-haiku', 8_192),
  legacyModel('claude-3-opus', 4_096),
  legacyModel('claude-3-sonnet', 4_096),
  legacyModel('claude-3-haiku', 4_096),
];

/**
 * Unknown models (a future Claude, the emulator, an Anthropic-compatible third party): 8,192 output
 * tokens is accepted by every Claude model since 3.5 and by the common compatible endpoints, and the
 * classic `budget_tokens` thinking is what such endpoints implement. Structured outputs are sent and
 * left to the upstream to accept or refuse.
 */
export const FALLBACK_PROFILE: AnthropicModelProfile = {
  family: '(unknown)',
  maxOutputTokens: 8_192,
  thinking: 'budget',
  sampling: 'all',
  efforts: [],
  structuredOutputs: true,
  thinkingDisplay: false,
};

/** `anthropic.claude-opus-4-7`, `anthropic/claude-haiku-4-5@20251001`, `Claude-Sonnet-4-5` → `claude-…`. */
function normalizeModelId(model: string): string {
  const lower = model.toLowerCase();
  const start = lower.indexOf('claude-');
  return start === -1 ? lower : lower.slice(start);
}

function matchesFamily(model: string, family: string): boolean {
  if (!model.startsWith(family)) return false;
  const next = model.charAt(family.length);
  return next === '' || next === '-' || next === '@' || next === ':' || next === '.';
}

/** The profile for an upstream model id: the longest matching family prefix, else the fallback. */
export function anthropicModelProfile(model: string): AnthropicModelProfile {
  const id = normalizeModelId(model);
  let best: AnthropicModelProfile | undefined;
  for (const profile of ANTHROPIC_MODEL_PROFILES) {
    if (matchesFamily(id, profile.family) && (best === undefined || profile.family.length > best.family.length)) best = profile;
  }
  return best ?? FALLBACK_PROFILE;
}
