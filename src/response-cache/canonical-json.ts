/**
 * One text per JSON value, whatever order its object keys came in, so that two bodies that mean the
 * same thing hash the same.
 *
 * Key order is dropped only where it carries no meaning. Inside the user data a model reads — JSON
 * Schema `properties` (strict structured outputs answer in schema order, and tools are rendered to the
 * model in that order), and tool-call `input` / `args` and function `response` objects replayed in the
 * conversation — the order is part of the prompt, so it is kept: two requests that differ only there
 * may get different answers and must not share an entry. A missed hit costs a provider call; a wrong
 * hit serves the wrong answer.
 */

/** Below the top level, objects under these keys keep their key order. */
const ORDER_BEARING_KEYS: ReadonlySet<string> = new Set(['properties', 'input', 'args', 'response']);

export function canonicalJson(value: unknown): string {
  return write(value, true, true);
}

function write(value: unknown, sortKeys: boolean, topLevel: boolean): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => write(item, sortKeys, false)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined);
  if (sortKeys) keys.sort();
  const members = keys.map((key) => {
    const keepOrder = !sortKeys || (!topLevel && ORDER_BEARING_KEYS.has(key));
    return `${JSON.stringify(key)}:${write(record[key], !keepOrder, false)}`;
  });
  return `{${members.join(',')}}`;
}
