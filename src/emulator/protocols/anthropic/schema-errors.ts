/**
 * A zod issue in Anthropic's words. The API validates with pydantic and reports the first problem
 * as `<dotted.path>: <pydantic message>`, e.g. `max_tokens: Field required`,
 * `messages.0.role: Input should be 'user' or 'assistant'`, `foo: Extra inputs are not permitted`.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

const FLOAT_FIELDS = new Set(['temperature', 'top_p']);

export function describeSchemaIssue(issues: readonly Issue[], body: unknown): string {
  const { issue, path } = mostSpecific(issues[0], []);
  if (issue === undefined) return 'Invalid request body.';
  if (issue.code === 'unrecognized_keys') return `${dotted([...path, issue.keys[0] ?? ''])}: Extra inputs are not permitted`;
  return `${dotted(path)}: ${pydanticMessage(issue, valueAt(body, path), path)}`;
}

function pydanticMessage(issue: Issue, value: unknown, path: readonly PropertyKey[]): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'Field required';
      return expectedType(issue.expected, String(path.at(-1)));
    case 'invalid_value':
      return `Input should be ${listOf(issue.values.map((option) => `'${String(option)}'`))}`;
    case 'too_small':
      if (issue.origin === 'array') return `List should have at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'} after validation, not ${Array.isArray(value) ? value.length : 0}`;
      if (issue.origin === 'string') return `String should have at least ${String(issue.minimum)} character${issue.minimum === 1 ? '' : 's'}`;
      return `Input should be greater than ${issue.inclusive ? 'or equal to ' : ''}${String(issue.minimum)}`;
    case 'too_big':
      return `Input should be less than ${issue.inclusive ? 'or equal to ' : ''}${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'regex' && 'pattern' in issue ? `String should match pattern '${String(issue.pattern).replace(/^\/|\/$/g, '')}'` : 'Input is not valid';
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
        return `Input tag '${String(value)}' found using '${issue.discriminator}' does not match any of the expected tags: ${options.map((option) => `'${String(option)}'`).join(', ')}`;
      }
      return 'Input should be a valid string or a valid list';
    default:
      return issue.message;
  }
}

function expectedType(expected: string, field: string): string {
  switch (expected) {
    case 'string': return 'Input should be a valid string';
    case 'number': return FLOAT_FIELDS.has(field) ? 'Input should be a valid number' : 'Input should be a valid integer';
    case 'boolean': return 'Input should be a valid boolean';
    case 'array': return 'Input should be a valid list';
    case 'object':
    case 'record': return 'Input should be a valid dictionary';
    default: return `Input should be a valid ${expected}`;
  }
}

/** Into unions, to the branch whose complaint reaches deepest (the one the caller meant). */
function mostSpecific(issue: Issue | undefined, prefix: readonly PropertyKey[]): { issue: Issue | undefined; path: PropertyKey[] } {
  if (issue === undefined) return { issue, path: [...prefix] };
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  const deepest = issue.errors
    .map((branch) => branch[0])
    .filter((inner): inner is Issue => inner !== undefined)
    .reduce<Issue | undefined>((best, inner) => (best === undefined || inner.path.length > best.path.length ? inner : best), undefined);
  if (deepest === undefined || deepest.path.length === 0) return { issue, path };
  return mostSpecific(deepest, path);
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let current = body;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (typeof current === 'object' && current !== null && !Array.isArray(current) && typeof segment === 'string') current = (current as Record<string, unknown>)[segment];
    else return undefined;
  }
  return current;
}
