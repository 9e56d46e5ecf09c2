import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Recorded provider traffic shared by the team (`../shared/conformance` beside the repository, or
 * SWITCHYARD_CONFORMANCE_DIR). Tests run from the repository root.
 */
export const conformanceDir = resolve(process.env.SWITCHYARD_CONFORMANCE_DIR ?? join(process.cwd(), '..', 'shared', 'conformance'));

export function conformanceFiles(provider: 'openai' | 'anthropic' | 'gemini'): string[] {
  return readdirSync(join(conformanceDir, provider)).sort();
}

export function readConformanceText(provider: 'openai' | 'anthropic' | 'gemini', file: string): string {
  return readFileSync(join(conformanceDir, provider, file), 'utf8');
}

export function readConformanceJson(provider: 'openai' | 'anthropic' | 'gemini', file: string): unknown {
  return JSON.parse(readConformanceText(provider, file)) as unknown;
}
