import type { AuthenticatedKey } from './types.js';

/**
 * Whether `name` matches `pattern`: exact, or a glob where each `*` stands for any run of
 * characters, `/` included (`anthropic/*` matches `anthropic/claude-sonnet-4`, `openrouter/*`
 * matches `openrouter/meta/llama-4`). Matching is case-sensitive, as model and route names are.
 * No regular expressions: a pattern is data an admin typed, never code.
 */
export function matchesPattern(pattern: string, name: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === name;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  const end = name.length - last.length;
  let position = first.length;
  // Leftmost placement of each middle part is always safe: it leaves the most room for the rest.
  for (const part of parts.slice(1, -1)) {
    const found = name.indexOf(part, position);
    if (found === -1 || found + part.length > end) return false;
    position = found + part.length;
  }
  return true;
}

/** null allows everything; otherwise one pattern must match. */
export function isAllowed(patterns: readonly string[] | null, name: string): boolean {
  return patterns === null || patterns.some((pattern) => matchesPattern(pattern, name));
}

/** A key may use a model only when both the key's and its team's lists allow it. */
export function keyAllowsModel(auth: AuthenticatedKey, model: string): boolean {
  return isAllowed(auth.key.allowed_models, model) && isAllowed(auth.team?.allowed_models ?? null, model);
}

/** A key may use a route only when both the key's and its team's lists allow it. */
export function keyAllowsRoute(auth: AuthenticatedKey, route: string): boolean {
  return isAllowed(auth.key.allowed_routes, route) && isAllowed(auth.team?.allowed_routes ?? null, route);
}
