import { GatewayError } from '../../errors/catalogue.js';

/**
 * Boundary validation for Anthropic bodies: `unknown` in, narrowed values out, and every failure names
 * the field path at fault (`messages[2].content[0].source.media_type: expected one of …`).
 *
 * Client requests fail as the caller's `invalid_request` (with `param`); provider responses fail as
 * `upstream_bad_response` (the provider broke its own protocol).
 */
export type FailureCode = 'invalid_request' | 'upstream_bad_response';

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a value reads in an error message: `a string`, `null`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a non-finite number';
  return value === undefined ? 'nothing' : `a ${typeof value}`;
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function fail(path: string, problem: string, code: FailureCode = 'invalid_request'): never {
  const message = path === '' ? problem : `${path}: ${problem}`;
  throw new GatewayError(code, message, code === 'invalid_request' && path !== '' ? { param: path } : {});
}

/** Meaning Anthropic (or the canonical model) cannot carry: refused, never dropped silently. */
export function unsupported(path: string, problem: string): never {
  throw new GatewayError('unsupported_feature', path === '' ? problem : `${path}: ${problem}`, path === '' ? {} : { param: path });
}

/**
 * Reads the fields of one JSON object with path-naming errors. Optional readers treat `null` like an
 * absent field: the Anthropic SDKs send `null` for unset nullable parameters.
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

  at(key: string): string {
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

  string(key: string): string {
    const value = this.record[key];
    if (typeof value !== 'string') this.fail(key, `expected a string, got ${describeValue(value)}`);
    return value;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  number(key: string): number {
    const value = this.record[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, `expected a number, got ${describeValue(value)}`);
    return value;
  }

  optionalNumber(key: string): number | undefined {
    return this.has(key) ? this.number(key) : undefined;
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
    if (typeof value !== 'boolean') this.fail(key, `expected a boolean, got ${describeValue(value)}`);
    return value;
  }

  object(key: string): FieldReader {
    return FieldReader.of(this.record[key], this.at(key), this.code);
  }

  optionalObject(key: string): FieldReader | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  array(key: string): unknown[] {
    const value = this.record[key];
    if (!Array.isArray(value)) this.fail(key, `expected an array, got ${describeValue(value)}`);
    return value;
  }

  optionalArray(key: string): unknown[] | undefined {
    return this.has(key) ? this.array(key) : undefined;
  }

  /** A string field restricted to a closed set, with the set named in the error. */
  oneOf<const T extends string>(key: string, allowed: readonly T[]): T {
    const value = this.record[key];
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    const got = typeof value === 'string' ? `"${value}"` : describeValue(value);
    return this.fail(key, `expected one of ${allowed.join(', ')}, got ${got}`);
  }
}
