/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini takes in `functionDeclarations[].parameters` and
 * `generationConfig.responseSchema` (https://ai.google.dev/api/caching#Schema).
 *
 * By default the encoder sends `parametersJsonSchema` / `responseJsonSchema`, which take full JSON
 * Schema (the recorded requests do) and need none of this. The legacy fields reject `$schema`,
 * `additionalProperties`, `const`, `$ref`, `propertyNames` and type arrays with "Invalid JSON payload
 * received. Unknown name …" (PROTOCOLS.md trap 13), so when a config asks for them this rewrites:
 *
 * | JSON Schema                                   | OpenAPI subset                                          |
 * | --------------------------------------------- | ------------------------------------------------------- |
 * | `type: "string"`                              | `type: "STRING"` (upper-case enum names)                |
 * | `type: ["string", "null"]`                    | `type: "STRING", nullable: true`                        |
 * | `type: ["string", "number"]`                  | `anyOf: [{type: STRING}, {type: NUMBER}]`               |
 * | `anyOf`/`oneOf` with a `{type: "null"}` branch | the other branch(es) + `nullable: true` (`oneOf` → `anyOf`) |
 * | `const: "x"` (string)                         | `enum: ["x"]`                                           |
 * | `$ref` to `#/$defs/…` or `#/definitions/…`     | inlined; recursive or remote refs are refused           |
 * | `allOf: [one]`                                | merged into the parent; several members are refused     |
 * | `not`, `prefixItems`, tuple `items`, `false`   | refused (cannot be loosened without changing meaning)   |
 * | `$schema`, `$id`, `additionalProperties`, `propertyNames`, `patternProperties`, `default`, `examples`, `exclusiveMinimum`/`Maximum`, non-string `const`/`enum`, string formats other than `date-time`/`enum` | dropped: each only narrows what is valid, so dropping loosens validation, never the shape |
 */
import { isObject, unsupportedFeature, type JsonObject } from './fields.js';

const KEPT_KEYWORDS = [
  'description',
  'title',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'propertyOrdering',
] as const;

const FORMATS_BY_TYPE: Record<string, ReadonlySet<string>> = {
  STRING: new Set(['enum', 'date-time']),
  NUMBER: new Set(['float', 'double']),
  INTEGER: new Set(['int32', 'int64']),
};

const TYPE_NAMES: Record<string, string> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

interface SanitizeState {
  definitions: JsonObject;
  /** `$ref`s being inlined above this node, to refuse recursion. */
  refStack: string[];
}

/** Rewrites a JSON Schema into Gemini's OpenAPI subset; `path` names the field in refusals. */
export function toGeminiOpenApiSchema(schema: Record<string, unknown>, path = 'parameters'): Record<string, unknown> {
  const definitions: JsonObject = {
    ...(isObject(schema.definitions) ? schema.definitions : {}),
    ...(isObject(schema.$defs) ? schema.$defs : {}),
  };
  return sanitizeNode(schema, path, { definitions, refStack: [] });
}

function sanitizeNode(node: unknown, path: string, state: SanitizeState): JsonObject {
  if (node === true) return {};
  if (!isObject(node)) throw unsupportedFeature(path, 'a schema that accepts nothing (false) or is not an object cannot be expressed for Gemini');
  const resolved = inlineReference(node, path, state);
  if (resolved !== undefined) return resolved;
  if (Array.isArray(node.allOf)) return sanitizeAllOf(node, path, state);
  if (node.not !== undefined) throw unsupportedFeature(`${path}.not`, 'Gemini schemas have no "not"');
  if (node.prefixItems !== undefined || Array.isArray(node.items)) {
    throw unsupportedFeature(`${path}.items`, 'tuple schemas (prefixItems / items arrays) have no Gemini equivalent');
  }
  const union = node.anyOf ?? node.oneOf;
  if (Array.isArray(union)) return sanitizeUnion(node, union, path, state);
  if (Array.isArray(node.type)) return sanitizeTypeArray(node, node.type, path, state);
  return sanitizeSingle(node, path, state);
}

function inlineReference(node: JsonObject, path: string, state: SanitizeState): JsonObject | undefined {
  if (typeof node.$ref !== 'string') return undefined;
  const ref = node.$ref;
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  const name = match?.[1];
  if (name === undefined) throw unsupportedFeature(`${path}.$ref`, `only local "#/$defs/…" references can be inlined, got ${JSON.stringify(ref)}`);
  if (state.refStack.includes(ref)) {
    throw unsupportedFeature(`${path}.$ref`, `recursive reference ${JSON.stringify(ref)} cannot be inlined for Gemini's legacy "parameters"; send parametersJsonSchema instead`);
  }
  const target = state.definitions[decodeURIComponent(name)];
  if (target === undefined) throw unsupportedFeature(`${path}.$ref`, `reference ${JSON.stringify(ref)} names no definition`);
  const { $ref: _ref, ...siblings } = node;
  const merged = { ...(isObject(target) ? target : {}), ...siblings };
  return sanitizeNode(merged, path, { ...state, refStack: [...state.refStack, ref] });
}

function sanitizeAllOf(node: JsonObject, path: string, state: SanitizeState): JsonObject {
  const members = node.allOf as unknown[];
  if (members.length !== 1) throw unsupportedFeature(`${path}.allOf`, 'allOf with several members has no Gemini equivalent');
  const { allOf: _allOf, ...siblings } = node;
  const member = members[0];
  const inner = isObject(member) ? member : {};
  return sanitizeNode({ ...inner, ...siblings }, path, state);
}

function isNullSchema(branch: unknown): boolean {
  return isObject(branch) && (branch.type === 'null' || (Array.isArray(branch.type) && branch.type.length === 1 && branch.type[0] === 'null'));
}

function sanitizeUnion(node: JsonObject, union: unknown[], path: string, state: SanitizeState): JsonObject {
  const keyword = node.anyOf !== undefined ? 'anyOf' : 'oneOf';
  const branches = union.filter((branch) => !isNullSchema(branch));
  const nullable = branches.length < union.length;
  const { anyOf: _anyOf, oneOf: _oneOf, ...siblings } = node;
  let result: JsonObject;
  if (branches.length === 1) {
    const only = branches[0];
    result = sanitizeNode({ ...(isObject(only) ? only : {}), ...siblings }, path, state);
  } else {
    result = sanitizeSingle(siblings, path, state);
    result.anyOf = branches.map((branch, index) => sanitizeNode(branch, `${path}.${keyword}[${index}]`, state));
  }
  if (nullable) result.nullable = true;
  return result;
}

function sanitizeTypeArray(node: JsonObject, types: unknown[], path: string, state: SanitizeState): JsonObject {
  const nonNull = types.filter((type) => type !== 'null');
  const nullable = nonNull.length < types.length;
  if (nonNull.length === 0) throw unsupportedFeature(`${path}.type`, 'a schema that only allows null has no Gemini equivalent');
  let result: JsonObject;
  if (nonNull.length === 1) {
    result = sanitizeSingle({ ...node, type: nonNull[0] }, path, state);
  } else {
    const { type: _type, ...siblings } = node;
    result = { anyOf: nonNull.map((type, index) => sanitizeSingle({ ...siblings, type }, `${path}.type[${index}]`, state)) };
  }
  if (nullable) result.nullable = true;
  return result;
}

function geminiType(node: JsonObject, path: string): string | undefined {
  if (typeof node.type === 'string') {
    const name = TYPE_NAMES[node.type.toLowerCase()];
    if (name === undefined) throw unsupportedFeature(`${path}.type`, `type ${JSON.stringify(node.type)} has no Gemini equivalent`);
    return name;
  }
  if (isObject(node.properties)) return 'OBJECT';
  if (node.items !== undefined) return 'ARRAY';
  if (typeof node.const === 'string' || (Array.isArray(node.enum) && node.enum.every((value) => typeof value === 'string'))) return 'STRING';
  return undefined;
}

function sanitizeSingle(node: JsonObject, path: string, state: SanitizeState): JsonObject {
  const result: JsonObject = {};
  const type = geminiType(node, path);
  if (type !== undefined) result.type = type;
  for (const keyword of KEPT_KEYWORDS) {
    if (node[keyword] !== undefined) result[keyword] = node[keyword];
  }
  if (node.nullable === true) result.nullable = true;
  if (typeof node.format === 'string' && type !== undefined && FORMATS_BY_TYPE[type]?.has(node.format)) result.format = node.format;
  if (typeof node.const === 'string') result.enum = [node.const];
  else if (Array.isArray(node.enum) && node.enum.length > 0 && node.enum.every((value) => typeof value === 'string')) result.enum = node.enum;
  if (isObject(node.properties)) {
    const properties: JsonObject = {};
    for (const [name, property] of Object.entries(node.properties)) {
      properties[name] = sanitizeNode(property, `${path}.properties.${name}`, state);
    }
    result.properties = properties;
    if (Array.isArray(node.required)) result.required = node.required.filter((name) => typeof name === 'string' && name in properties);
  }
  if (node.items !== undefined) result.items = sanitizeNode(node.items, `${path}.items`, state);
  return result;
}
