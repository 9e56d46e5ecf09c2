import type { z } from 'zod';

/** One problem with an input, located by its field path (`budgets[0].limit_usd`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Input for a team or key that the schema refuses; the message names every field at fault. */
export class KeyValidationError extends Error {
  override readonly name = 'KeyValidationError';
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    super(issues.map(formatIssue).join('; '));
    this.issues = issues;
  }
}

export function formatIssue(issue: ValidationIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`)).join('');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** zod's defaults ("Invalid input: expected string, received undefined") in plainer words. */
function toIssue(issue: z.core.$ZodIssue): ValidationIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: fieldPath([...issue.path, key]), message: 'unknown field' }));
  }
  const typeOrValue = issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union';
  // JSON has no undefined: an undefined input is a missing field (the input is reported, see below).
  if (typeOrValue && issue.input === undefined && issue.path.length > 0) return [{ path: fieldPath(issue.path), message: 'is required' }];
  if (issue.code === 'invalid_type' && issue.path.length === 0 && issue.expected === 'object') {
    return [{ path: '', message: `the body must be a JSON object, got ${describe(issue.input)}` }];
  }
  return [{ path: fieldPath(issue.path), message: issue.message }];
}

/** The parsed value, or a KeyValidationError naming every field at fault. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  // reportInput puts the offending value on each issue, to tell a missing field from a wrong one.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new KeyValidationError(result.error.issues.flatMap(toIssue));
}
