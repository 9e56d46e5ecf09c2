/**
 * Redis key names. Ids come from config and requests, so they are percent-encoded: no id can
 * contain the ':' that separates key parts, and two different ids never share a key.
 */
export function keyPart(id: string): string {
  return encodeURIComponent(id);
}

/** Refuses the same scope twice in one call: it would be counted twice against itself. */
export function assertDistinctIds(ids: readonly string[], what: string): void {
  if (new Set(ids).size !== ids.length) throw new RangeError(`the same ${what} appears twice in one call: ${ids.join(', ')}`);
}

export function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
}
