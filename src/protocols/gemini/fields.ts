/**
 * Reading Gemini JSON at the boundary: every accessor narrows `unknown` and names the field path at fault.
 *
 * The API accepts both camelCase and snake_case field names (protobuf JSON mapping; the Python SDK and
 * Vertex clients send `file_uri`, `parameters_json_schema` …), so `field()` looks up both spellings.
 * JSON `null` counts as absent, as it does for the API.
 */
import { GatewayError } from '../../errors/catalogue.js';
import { isRecord as isObject, joinPath, type JsonObject } from '../shared/field-reader.js';

export { isRecord as isObject, joinPath, type JsonObject } from '../shared/field-reader.js';

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A field by its camelCase name or its snake_case spelling; `null` reads as absent. */
export function field(object: JsonObject, name: string): unknown {
  const value = object[name] ?? object[snakeCase(name)];
  return value === null ? undefined : value;
}

/** Whether the field is present under either spelling. */
export function hasField(object: JsonObject, name: string): boolean {
  return field(object, name) !== undefined;
}

export function invalidRequest(path: string, message: string): GatewayError {
  return new GatewayError('invalid_request', `${path}: ${message}`, { param: path });
}

export function unsupportedFeature(path: string, message: string): GatewayError {
  return new GatewayError('unsupported_feature', `${path}: ${message}`, { param: path });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export function readObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalidRequest(path, `must be an object, got ${describe(value)}`);
  return value;
}

export function readArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalidRequest(path, `must be an array, got ${describe(value)}`);
  return value;
}

export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidRequest(path, `must be a string, got ${describe(value)}`);
  return value;
}

export function optionalObject(object: JsonObject, name: string, path: string): JsonObject | undefined {
  const value = field(object, name);
  return value === undefined ? undefined : readObject(value, joinPath(path, name));
}

export function optionalArray(object: JsonObject, name: string, path: string): unknown[] | undefined {
  const value = field(object, name);
  return value === undefined ? undefined : readArray(value, joinPath(path, name));
}

export function requiredArray(object: JsonObject, name: string, path: string): unknown[] {
  const value = field(object, name);
  if (value === undefined) throw invalidRequest(joinPath(path, name), 'is required');
  return readArray(value, joinPath(path, name));
}

export function optionalString(object: JsonObject, name: string, path: string): string | undefined {
  const value = field(object, name);
  return value === undefined ? undefined : readString(value, joinPath(path, name));
}

export function requiredString(object: JsonObject, name: string, path: string): string {
  const value = field(object, name);
  if (value === undefined) throw invalidRequest(joinPath(path, name), 'is required');
  return readString(value, joinPath(path, name));
}

export function optionalBoolean(object: JsonObject, name: string, path: string): boolean | undefined {
  const value = field(object, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(joinPath(path, name), `must be a boolean, got ${describe(value)}`);
  return value;
}

export function optionalNumber(object: JsonObject, name: string, path: string): number | undefined {
  const value = field(object, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidRequest(joinPath(path, name), `must be a finite number, got ${describe(value)}`);
  }
  return value;
}

/** Integers; the protobuf JSON mapping also allows int64 values as decimal strings. */
export function optionalInteger(object: JsonObject, name: string, path: string): number | undefined {
  const raw = field(object, name);
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidRequest(joinPath(path, name), `must be an integer, got ${describe(raw)}`);
  }
  return value;
}

export function optionalStringArray(object: JsonObject, name: string, path: string): string[] | undefined {
  const list = optionalArray(object, name, path);
  return list?.map((item, index) => readString(item, joinPath(joinPath(path, name), index)));
}

/** Drops `undefined` values so encoded bodies and canonical objects carry no empty keys. */
export function compact<T extends object>(object: T): T {
  for (const key of Object.keys(object) as Array<keyof T>) {
    if (object[key] === undefined) delete object[key];
  }
  return object;
}
