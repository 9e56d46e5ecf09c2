/**
 * Claude facts that change what the Messages API accepts or reports, by model family, plus the
 * `/v1/models` objects. Any catalog model can be served under `/anthropic`; models the table does
 * not know get the most permissive row.
 *
 * Minimum cacheable prefix per https://docs.claude.com/en/docs/build-with-claude/prompt-caching
 * (1,024 for Sonnet 4.6 / 4.5, 4,096 for Haiku 4.5; Opus 4.7 is not listed there, 1,024 assumed).
 */
import type { CatalogModel } from '../../catalog.js';

export type EffortLevel = 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export interface ClaudeFamily {
  /** A breakpoint whose prefix is shorter than this is not cached (and no error is raised). */
  minimumCacheTokens: number;
  /** Thinks only adaptively: `thinking: {type: "enabled"}` is refused. */
  adaptiveOnly: boolean;
  /** `output_config.effort` levels the model takes. */
  efforts: readonly EffortLevel[];
}

const ALL_EFFORTS: readonly EffortLevel[] = ['low', 'medium', 'high', 'xhigh', 'max'];

const FAMILIES: ReadonlyArray<[prefix: string, family: ClaudeFamily]> = [
  ['claude-opus-4-7', { minimumCacheTokens: 1024, adaptiveOnly: true, efforts: ALL_EFFORTS }],
  ['claude-sonnet-4-6', { minimumCacheTokens: 1024, adaptiveOnly: false, efforts: ['low', 'medium', 'high', 'max'] }],
  ['claude-haiku-4-5', { minimumCacheTokens: 4096, adaptiveOnly: false, efforts: ['low', 'medium', 'high', 'max'] }],
];

const DEFAULT_FAMILY: ClaudeFamily = { minimumCacheTokens: 1024, adaptiveOnly: false, efforts: ALL_EFFORTS };

export function claudeFamily(model: string): ClaudeFamily {
  return FAMILIES.find(([prefix]) => model.startsWith(prefix))?.[1] ?? DEFAULT_FAMILY;
}

/** `claude-sonnet-4-6` → `Claude Sonnet 4.6`, as the API's `display_name` reads. */
export function displayName(model: string): string {
  const words = model.split('-');
  const named = words.filter((word) => !/^\d+$/.test(word)).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  const version = words.filter((word) => /^\d{1,2}$/.test(word)).join('.');
  return version.length > 0 ? `${named.join(' ')} ${version}` : named.join(' ');
}

/** A fixed date keeps the list byte-identical between runs. */
const CREATED_AT = '2026-01-01T00:00:00Z';

export function anthropicModelObject(model: CatalogModel): Record<string, unknown> {
  return { type: 'model', id: model.name, display_name: displayName(model.name), created_at: CREATED_AT };
}
