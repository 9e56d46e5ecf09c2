import { GatewayError } from '../../errors/catalogue.js';

/**
 * Boundary validation shared by the JSON codecs (OpenAI Chat, OpenAI Responses, Anthropic Messages):
 * `unknown` in, narrowed values out, and every failure names the field path at fault
 * (`messages[1].tool_calls[0].function.arguments: expected a string, got a number`).
 *
 * One reader checks client requests (failures are the caller's `invalid_request`, with `param`) and
 * provider bodies (failures are `upstream_bad_response`: the provider broke its own protocol).
 * Gemini keeps its own reader (`gemini/fields.ts`): it must accept camelCase and snake_case names.
 */
export type FailureCode = 'invalid_request' | 'upstream_bad_response';

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value reads in an error message: `a string`, `null`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a non-finite number';
  return `a ${typeof value}`;
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function fail(path: string, problem: string, code: FailureCode = 'invalid_request'): never {
  const message = path === '' ? problem : `${path}: ${problem}`;
  throw new GatewayError(code, message, code === 'invalid_request' && path !== '' ? { param: path } : {});
}

/** Meaning the target cannot carry: refused precisely, never dropped silently. */
export function unsupported(path: string, problem: string): never {
  throw new GatewayError('unsupported_feature', path === '' ? problem : `${path}: ${problem}`, path === '' ? {} : { param: path });
}

/**
 * Reads the fields of one JSON object. Optional readers treat `null` like an absent field, as the
 * OpenAI and Anthropic APIs (and their SDKs) do for nullable parameters.
 */
export class FieldReader {
  constructor(
    readonly record: JsonObject,
    readonly path: string,
    readonly code: FailureCode = 'invalid_request',
  ) {}

  static of(value: unknown, path: string, code: FailureCode = 'invalid_request'): FieldReader {
    if (!isRecord(value)) fail(path, `expected an object, got ${describeValue(value)}`, code);
    return new FieldReader(value, path, code);
  }

  at(key: string | number): string {
    return joinPath(this.path, key);
  }

  has(key: string): boolean {
    const value = this.record[key];
    return value !== undefined && value !== null;
  }

  raw(key: string): unknown {
    return this.record[key];
  }

  fail(key: string, problem: string): never {
    return fail(this.at(key), problem, this.code);
  }

  private expected(key: string, what: string): never {
    return this.fail(key, `expected ${what}, got ${describeValue(this.record[key])}`);
  }

  string(key: string): string {
    const value = this.record[key];
    if (typeof value !== 'string') this.expected(key, 'a string');
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  /** A required string that must not be empty (ids, names). */
  nonEmptyString(key: string): string {
    const value = this.string(key);
    if (value === '') this.fail(key, 'expected a non-empty string');
    return value;
  }

  number(key: string): number {
    const value = this.record[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.expected(key, 'a number');
    return value;
  }

  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined;
  }

  optionalInteger(key: string, minimum: number): number | undefined {
    if (!this.has(key)) return undefined;
    const value = this.number(key);
    if (!Number.isInteger(value)) this.expected(key, 'an integer');
    if (value < minimum) this.fail(key, `expected an integer >= ${minimum}, got ${value}`);
    return value;
  }

  /** A non-negative integer (token counts, budgets). */
  count(key: string): number {
    const value = this.number(key);
    if (!Number.isInteger(value) || value < 0) this.fail(key, `expected a non-negative integer, got ${value}`);
    return value;
  }

  optionalCount(key: string): number | undefined {
    return this.has(key) ? this.count(key) : undefined;
  }

  optionalBoolean(key: string): boolean | undefined {
    if (!this.has(key)) return undefined;
    const value = this.record[key];
    if (typeof value !== 'boolean') this.expected(key, 'a boolean');
    return value;
  }

  /** An optional string from a fixed set; the message lists the accepted values quoted. */
  optionalEnum<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(key);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(key, `expected one of ${allowed.map((item) => `"${item}"`).join(', ')}, got "${value}"`);
    }
    return value as T;
  }

  /** A required string from a closed set, with the set named in the error (Anthropic's wording). */
  oneOf<const T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.record[key];
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const got = typeof value === 'string' ? `"${value}"` : describeValue(value);
    return this.fail(key, `expected one of ${allowed.join(', ')}, got ${got}`);
  }

  object(key: string): FieldReader {
    return FieldReader.of(this.record[key], this.at(key), this.code);
  }

  optionalObject(key: string): FieldReader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** A JSON object passed through as data (JSON Schemas, metadata). */
  optionalRecord(key: string): JsonObject | undefined {
    if (!this.has(key)) return undefined;
    const value = this.record[key];
    if (!isRecord(value)) this.expected(key, 'an object');
    return value;
  }

  array(key: string): unknown[] {
    const value = this.record[key];
    if (!Array.isArray(value)) this.expected(key, 'an array');
    return value;
  }

  optionalArray(key: string): unknown[] | undefined {
    return this.has(key) ? this.array(key) : undefined;
  }

  /** Each element of an array field as an object reader, with its own path. */
  objects(key: string): FieldReader[] {
    return this.array(key).map((value, index) => FieldReader.of(value, joinPath(this.at(key), index), this.code));
  }

  /** OpenAI `content`: a plain string or an array of typed parts. */
  stringOrParts(key: string): string | unknown[] {
    const value = this.record[key];
    if (typeof value === 'string' || Array.isArray(value)) return value;
    return this.expected(key, 'a string or an array of content parts');
  }
}
