/**
 * Gemini's OpenAPI-subset `Schema` (legacy `parameters` / `responseSchema`, upper-case type names,
 * `nullable`) → JSON Schema, the canonical form of tool parameters and response formats.
 * [conformance gemini/stream-thinking.request.json sends `parameters: {type: "OBJECT", properties: {}}`]
 */
import { isObject, type JsonObject } from './fields.js';

/** Gemini-only keywords with no JSON Schema meaning (`example` is documentation only). */
const DROPPED = new Set(['nullable', 'propertyOrdering', 'example']);

export function fromGeminiOpenApiSchema(schema: unknown): JsonObject {
  if (!isObject(schema)) return {};
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (value === null || value === undefined || DROPPED.has(key)) continue;
    if (key === 'type' && typeof value === 'string') {
      const type = value.toLowerCase();
      if (type !== 'type_unspecified') result.type = type;
    } else if (key === 'format' && value === 'enum') {
      // `format: enum` only marks a string enum; `enum` itself says it in JSON Schema.
    } else if (key === 'items') {
      result.items = fromGeminiOpenApiSchema(value);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      result.anyOf = value.map((branch) => fromGeminiOpenApiSchema(branch));
    } else if (key === 'properties' && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(value)) properties[name] = fromGeminiOpenApiSchema(property);
      result.properties = properties;
    } else {
      result[key] = value;
    }
  }
  if (schema.nullable === true) {
    if (typeof result.type === 'string') result.type = [result.type, 'null'];
    else if (Array.isArray(result.anyOf)) result.anyOf = [...result.anyOf, { type: 'null' }];
  }
  return result;
}
