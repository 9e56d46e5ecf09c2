/**
 * A deterministic value that validates against a JSON Schema: objects with their required
 * properties (and some optional ones), strings honouring enum/const/format/length, numbers within
 * minimum/maximum/multipleOf, arrays within minItems/maxItems, local `$ref`s, anyOf/oneOf/allOf and
 * type unions. `pattern`, `not` and `if/then` are not solved (documented in README.md). Strings
 * are picked to look plausible for the property name, using words from the conversation.
 */
import type { JsonSchema, JsonValue } from '../types.js';
import type { SeededRandom } from '../random.js';
import { plausibleString } from './plausible-strings.js';

export interface ValueHints {
  /** Content words of the last user message, most relevant first. */
  keywords: string[];
  /** Capitalised words of the last user message (likely names and places). */
  properNouns: string[];
  /** The last user message, trimmed. */
  query: string;
}

type SchemaObject = { [key: string]: unknown };

const MAXIMUM_DEPTH = 8;

export function generateJsonValue(schema: JsonSchema, random: SeededRandom, hints: ValueHints): JsonValue {
  return new ValueGenerator(schema, random, hints).generate(schema, '', 0);
}

class ValueGenerator {
  constructor(private readonly root: JsonSchema, private readonly random: SeededRandom, private readonly hints: ValueHints) {}

  generate(schema: JsonSchema, propertyName: string, depth: number): JsonValue {
    if (schema === true || schema === false || !isObject(schema)) return this.plainString(propertyName);
    const resolved = this.resolve(schema, depth);
    if ('const' in resolved) return toJson(resolved.const);
    if (Array.isArray(resolved.enum) && resolved.enum.length > 0) return toJson(this.random.pick(resolved.enum));
    const variants = asSchemaList(resolved.anyOf) ?? asSchemaList(resolved.oneOf);
    if (variants !== undefined && variants.length > 0) {
      const nonNull = variants.filter((variant) => !(isObject(variant) && variant.type === 'null'));
      const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = resolved;
      const chosen = this.random.pick(nonNull.length > 0 ? nonNull : variants);
      return this.generate(mergeSchemas(rest, isObject(chosen) ? chosen : {}), propertyName, depth + 1);
    }
    if (depth >= MAXIMUM_DEPTH) return this.minimal(resolved);
    switch (this.chooseType(resolved)) {
      case 'object': return this.object(resolved, depth);
      case 'array': return this.array(resolved, propertyName, depth);
      case 'integer': return this.number(resolved, propertyName, true);
      case 'number': return this.number(resolved, propertyName, false);
      case 'boolean': return this.random.chance(0.5);
      case 'null': return null;
      default: return this.string(resolved, propertyName);
    }
  }

  /** Follow local `$ref`s and fold `allOf` into one schema. */
  private resolve(schema: SchemaObject, depth: number): SchemaObject {
    let current = schema;
    for (let hops = 0; typeof current.$ref === 'string' && hops < 16; hops++) {
      const { $ref: reference, ...siblings } = current;
      const target = resolvePointer(this.root, reference as string);
      current = mergeSchemas(isObject(target) ? target : {}, siblings);
    }
    const parts = asSchemaList(current.allOf);
    if (parts !== undefined && depth < MAXIMUM_DEPTH) {
      const { allOf: _allOf, ...rest } = current;
      current = parts.reduce<SchemaObject>((merged, part) => mergeSchemas(merged, isObject(part) ? this.resolve(part, depth + 1) : {}), rest);
    }
    return current;
  }

  private chooseType(schema: SchemaObject): string {
    const declared = schema.type;
    if (typeof declared === 'string') return declared;
    if (Array.isArray(declared)) {
      const types = declared.filter((type): type is string => typeof type === 'string');
      return types.find((type) => type !== 'null') ?? types[0] ?? 'string';
    }
    if (isObject(schema.properties) || schema.required !== undefined || schema.additionalProperties !== undefined) return 'object';
    if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array';
    if (typeof schema.minimum === 'number' || typeof schema.maximum === 'number') return 'number';
    return 'string';
  }

  private object(schema: SchemaObject, depth: number): JsonValue {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((name): name is string => typeof name === 'string') : []);
    const minimumProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    const result: { [key: string]: JsonValue } = {};
    const names = Object.keys(properties);
    // Required first, then optional ones: about half of them, more if minProperties asks.
    const optional = names.filter((name) => !required.has(name));
    const chosen = names.filter((name) => required.has(name));
    for (const name of optional) {
      if (chosen.length < minimumProperties || this.random.chance(0.5)) chosen.push(name);
    }
    for (const name of required) if (!(name in properties)) chosen.push(name);
    for (const name of names.filter((name) => chosen.includes(name)).concat(chosen.filter((name) => !(name in properties)))) {
      const propertySchema = properties[name];
      result[name] = this.generate(isSchema(propertySchema) ? propertySchema : {}, name, depth + 1);
    }
    return result;
  }

  private array(schema: SchemaObject, propertyName: string, depth: number): JsonValue {
    const minimum = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maximum = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(minimum, 3);
    const count = this.random.integer(Math.max(minimum, Math.min(1, maximum)), Math.max(minimum, Math.min(maximum, minimum + 3)));
    const prefix = asSchemaList(schema.prefixItems) ?? [];
    const items = isSchema(schema.items) ? schema.items : {};
    const singular = propertyName.endsWith('s') ? propertyName.slice(0, -1) : propertyName;
    const values: JsonValue[] = [];
    const seen = new Set<string>();
    for (let index = 0, attempts = 0; values.length < count && attempts < count * 8; attempts++) {
      const itemSchema = prefix[index] ?? items;
      const value = this.generate(isSchema(itemSchema) ? itemSchema : {}, singular, depth + 1);
      const key = JSON.stringify(value);
      if (schema.uniqueItems === true && seen.has(key)) continue;
      seen.add(key);
      values.push(value);
      index++;
    }
    return values;
  }

  private number(schema: SchemaObject, propertyName: string, integer: boolean): number {
    const [defaultLow, defaultHigh] = defaultRange(propertyName);
    let low = typeof schema.minimum === 'number' ? schema.minimum : undefined;
    let high = typeof schema.maximum === 'number' ? schema.maximum : undefined;
    const step = integer ? 1 : 0.01;
    if (typeof schema.exclusiveMinimum === 'number') low = Math.max(low ?? -Infinity, schema.exclusiveMinimum + step);
    if (typeof schema.exclusiveMaximum === 'number') high = Math.min(high ?? Infinity, schema.exclusiveMaximum - step);
    if (schema.exclusiveMinimum === true && low !== undefined) low += step; // draft-04 boolean form
    if (schema.exclusiveMaximum === true && high !== undefined) high -= step;
    low ??= high !== undefined ? Math.min(defaultLow, high) : defaultLow;
    high ??= Math.max(low, defaultHigh);
    if (high < low) high = low;
    const multiple = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
    if (multiple !== undefined) {
      const first = Math.ceil(low / multiple);
      const last = Math.floor(high / multiple);
      return roundFloat(this.random.integer(first, Math.max(first, last)) * multiple);
    }
    if (integer) return this.random.integer(Math.ceil(low), Math.max(Math.ceil(low), Math.floor(high)));
    return Math.min(high, Math.max(low, roundFloat(low + this.random.next() * (high - low))));
  }

  private string(schema: SchemaObject, propertyName: string): string {
    const format = typeof schema.format === 'string' ? schema.format : undefined;
    let text = plausibleString(propertyName, format, this.random, this.hints);
    const minimum = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const maximum = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    while (text.length < minimum) text += text.length === 0 ? 'x' : ` ${text}`;
    if ([...text].length > maximum) text = [...text].slice(0, maximum).join('');
    return text;
  }

  private plainString(propertyName: string): string {
    return plausibleString(propertyName, undefined, this.random, this.hints);
  }

  /** The smallest valid-looking value, used when recursion runs too deep. */
  private minimal(schema: SchemaObject): JsonValue {
    const type = this.chooseType(schema);
    if (Array.isArray(schema.type) && schema.type.includes('null')) return null;
    if (type === 'object') return {};
    if (type === 'array') return [];
    if (type === 'integer' || type === 'number') return typeof schema.minimum === 'number' ? schema.minimum : 0;
    if (type === 'boolean') return false;
    return 'x'.repeat(typeof schema.minLength === 'number' ? schema.minLength : 1);
  }
}

function defaultRange(propertyName: string): [number, number] {
  const name = propertyName.toLowerCase();
  if (name.includes('lat')) return [-90, 90];
  if (name.includes('lon') || name.includes('lng')) return [-180, 180];
  if (/(count|limit|days|number|quantity|size|top|max|results|n)$/.test(name)) return [1, 10];
  if (name.includes('year')) return [2020, 2026];
  if (name.includes('temp')) return [-10, 35];
  if (name.includes('price') || name.includes('amount')) return [1, 500];
  return [1, 100];
}

function roundFloat(value: number): number {
  return Math.round(value * 100) / 100;
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSchema(value: unknown): value is JsonSchema {
  return isObject(value) || typeof value === 'boolean';
}

function asSchemaList(value: unknown): JsonSchema[] | undefined {
  return Array.isArray(value) ? value.filter(isSchema) : undefined;
}

/** Shallow merge that unions `properties` and `required`, as allOf and $ref siblings need. */
function mergeSchemas(first: SchemaObject, second: SchemaObject): SchemaObject {
  const merged: SchemaObject = { ...first, ...second };
  if (isObject(first.properties) || isObject(second.properties)) {
    merged.properties = { ...(isObject(first.properties) ? first.properties : {}), ...(isObject(second.properties) ? second.properties : {}) };
  }
  if (Array.isArray(first.required) || Array.isArray(second.required)) {
    merged.required = [...new Set([...(Array.isArray(first.required) ? first.required : []), ...(Array.isArray(second.required) ? second.required : [])])];
  }
  return merged;
}

/** `#/$defs/Name` style pointers into the root schema; remote refs resolve to an empty schema. */
function resolvePointer(root: JsonSchema, reference: string): unknown {
  if (!reference.startsWith('#')) return {};
  const segments = reference.slice(1).split('/').filter((segment) => segment.length > 0)
    .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
  let current: unknown = root;
  for (const segment of segments) {
    if (!isObject(current)) return {};
    current = current[segment];
  }
  return current;
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}
