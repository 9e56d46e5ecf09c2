import assert from 'node:assert/strict';
import type { ProtocolName } from '../../canonical/types.js';
import type { RequestFeature, ResponseFeature } from './capabilities.js';

/**
 * A documented lossy-but-equivalent transform: what one protocol's round trip does to a canonical
 * value it can carry. Each names the capability entry it implements (`capabilities.test.ts` checks
 * that every `normalised` entry has one) and says why, in the codec README's words.
 */
export type TransformLabel = RequestFeature | ResponseFeature | 'model' | 'id' | 'finish' | 'provider-state';

export interface Transform<T> {
  /** The capability entries it implements (or what it is about, for ids, models and provider state). */
  features: readonly TransformLabel[];
  why: string;
  apply(value: T): void;
}

/** Applies `transforms` in order to a plain copy (the input is never changed). */
export function applyTransforms<T>(value: T, transforms: ReadonlyArray<Transform<T>>): T {
  const copy = plain(value);
  for (const transform of transforms) transform.apply(copy);
  return plain(copy);
}

/** JSON data as the wire sees it: no `undefined` keys, no null prototypes (fast-check builds those). */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * A value a protocol mints itself (a Responses reasoning item id, the time an Anthropic answer was
 * read): any value of the same type matches it.
 */
export const ANY_STRING = '<any string minted by the protocol>';
export const ANY_NUMBER = -0.5;

function fillWildcards(expected: unknown, actual: unknown): unknown {
  if (expected === ANY_STRING && typeof actual === 'string') return actual;
  if (expected === ANY_NUMBER && typeof actual === 'number') return actual;
  if (Array.isArray(expected) && Array.isArray(actual)) return expected.map((item, index) => fillWildcards(item, actual[index]));
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null && !Array.isArray(actual)) {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(expected)) result[key] = fillWildcards(value, (actual as Record<string, unknown>)[key]);
    return result;
  }
  return expected;
}

/** Deep equality where the expected value's wildcards match anything of their type. */
export function assertMatches(actual: unknown, expected: unknown, message: string): void {
  const plainActual = plain(actual);
  assert.deepEqual(plainActual, fillWildcards(plain(expected), plainActual), message);
}

/** The protocols a value passed through, outermost last, as a readable label. */
export function pathLabel(path: readonly ProtocolName[]): string {
  return path.join(' → ');
}
