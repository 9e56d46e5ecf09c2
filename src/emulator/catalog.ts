/**
 * The models the emulator serves, with the numbers that shape their behaviour: context window,
 * output cap, whether they reason, and a latency profile. Defaults live here; the YAML config
 * overrides fields or adds models (see config.ts). The figures are plausible, not measured.
 */
import type { FaultSpec } from './faults.js';

export interface CatalogModel {
  name: string;
  /** Who would own it in `/v1/models` (`openai`, `anthropic`, …). */
  ownedBy: string;
  /** The model string responses carry; OpenAI answers with a dated snapshot name. */
  responseModel: string;
  contextWindow: number;
  maxOutput: number;
  /** Accepts a reasoning effort and reports reasoning tokens. */
  reasoning: boolean;
  /** Time to first token = ttftMs + ttftPer1kInputMs × input tokens / 1000 (then × time_scale). */
  ttftMs: number;
  ttftPer1kInputMs: number;
  tokensPerSecond: number;
  /** Faults applied to every request for this model unless a request header says otherwise. */
  fault: FaultSpec | undefined;
}

type ModelProfile = Omit<CatalogModel, 'name' | 'fault' | 'responseModel'> & { responseModel?: string };

const DEFAULT_PROFILES: Record<string, ModelProfile> = {
  'gpt-5.5': { ownedBy: 'openai', responseModel: 'gpt-5.5-2026-04-23', contextWindow: 400_000, maxOutput: 128_000, reasoning: true, ttftMs: 600, ttftPer1kInputMs: 12, tokensPerSecond: 90 },
  'gpt-5.5-pro': { ownedBy: 'openai', responseModel: 'gpt-5.5-pro-2026-04-23', contextWindow: 400_000, maxOutput: 128_000, reasoning: true, ttftMs: 4_000, ttftPer1kInputMs: 30, tokensPerSecond: 40 },
  'gpt-5.4': { ownedBy: 'openai', responseModel: 'gpt-5.4-2026-03-05', contextWindow: 400_000, maxOutput: 128_000, reasoning: true, ttftMs: 500, ttftPer1kInputMs: 10, tokensPerSecond: 110 },
  'claude-opus-4-7': { ownedBy: 'anthropic', contextWindow: 200_000, maxOutput: 128_000, reasoning: true, ttftMs: 900, ttftPer1kInputMs: 15, tokensPerSecond: 55 },
  'claude-sonnet-4-6': { ownedBy: 'anthropic', contextWindow: 1_000_000, maxOutput: 64_000, reasoning: true, ttftMs: 700, ttftPer1kInputMs: 10, tokensPerSecond: 75 },
  'claude-haiku-4-5': { ownedBy: 'anthropic', contextWindow: 200_000, maxOutput: 64_000, reasoning: true, ttftMs: 350, ttftPer1kInputMs: 5, tokensPerSecond: 150 },
  'gemini-3.1-pro': { ownedBy: 'google', contextWindow: 1_048_576, maxOutput: 65_536, reasoning: true, ttftMs: 1_200, ttftPer1kInputMs: 8, tokensPerSecond: 120 },
  'deepseek-v4': { ownedBy: 'deepseek', contextWindow: 128_000, maxOutput: 32_768, reasoning: true, ttftMs: 800, ttftPer1kInputMs: 14, tokensPerSecond: 60 },
};

/** Used for fields a config leaves out when it adds a model the defaults do not know. */
const GENERIC_PROFILE: ModelProfile = {
  ownedBy: 'emulator', contextWindow: 128_000, maxOutput: 16_384, reasoning: false, ttftMs: 500, ttftPer1kInputMs: 10, tokensPerSecond: 80,
};

export function defaultCatalogModels(): CatalogModel[] {
  return Object.entries(DEFAULT_PROFILES).map(([name, profile]) => completeModel(name, profile, undefined));
}

/** A full model from a partial one: known names start from their defaults, new ones from a generic profile. */
export function completeModel(name: string, overrides: Partial<ModelProfile>, fault: FaultSpec | undefined): CatalogModel {
  const base = DEFAULT_PROFILES[name] ?? GENERIC_PROFILE;
  const merged = { ...base, ...stripUndefined(overrides) };
  return { name, ...merged, responseModel: merged.responseModel ?? name, fault };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

export class ModelCatalog {
  private readonly byName = new Map<string, CatalogModel>();

  constructor(models: readonly CatalogModel[]) {
    for (const model of models) this.byName.set(model.name, model);
    // Callers may echo back the dated snapshot a response named; accept it as an alias.
    for (const model of models) if (!this.byName.has(model.responseModel)) this.byName.set(model.responseModel, model);
  }

  /** Any model is served under any provider prefix: translation scenarios send claude-* to /openai. */
  resolve(name: string): CatalogModel | undefined {
    return this.byName.get(name);
  }

  list(): CatalogModel[] {
    return [...new Set(this.byName.values())];
  }
}
