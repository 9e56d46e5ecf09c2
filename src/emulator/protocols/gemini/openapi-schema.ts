/**
 * Gemini's OpenAPI-subset `Schema` (as `parameters` and `responseSchema` carry it) → JSON Schema,
 * so the shared generator can produce arguments and JSON answers from it: upper-case type names
 * lower-cased, `nullable` as a `null` type member, `propertyOrdering` and `example` dropped.
 */
import type { JsonSchema } from '../../types.js';
import type { GeminiSchema } from './wire-types.js';

const CARRIED = ['format', 'description', 'title', 'enum', 'required', 'minItems', 'maxItems', 'minLength', 'maxLength', 'minimum', 'maximum', 'pattern', 'minProperties', 'maxProperties', 'default'] as const;

export function openApiToJsonSchema(schema: GeminiSchema): JsonSchema {
  const result: Record<string, unknown> = {};
  const type = schema.type === undefined || schema.type === 'TYPE_UNSPECIFIED' ? undefined : schema.type.toLowerCase();
  if (type !== undefined) result.type = schema.nullable === true && type !== 'null' ? [type, 'null'] : type;
  for (const key of CARRIED) if (schema[key] !== undefined) result[key] = schema[key];
  if (schema.properties !== undefined) {
    result.properties = Object.fromEntries(Object.entries(schema.properties).map(([name, property]) => [name, openApiToJsonSchema(property)]));
  }
  if (schema.items !== undefined) result.items = openApiToJsonSchema(schema.items);
  if (schema.anyOf !== undefined) result.anyOf = schema.anyOf.map(openApiToJsonSchema);
  // Vertex's `additionalProperties` keeps its meaning; its `ref`/`defs` are left to the generator's defaults.
  if (schema.additionalProperties !== undefined) result.additionalProperties = schema.additionalProperties;
  return result;
}
