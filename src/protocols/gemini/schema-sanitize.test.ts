import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../errors/catalogue.js';
import { fromGeminiOpenApiSchema } from './schema-from-openapi.js';
import { toGeminiOpenApiSchema } from './schema-sanitize.js';

function refused(schema: Record<string, unknown>, param: string): void {
  assert.throws(
    () => toGeminiOpenApiSchema(schema),
    (error: unknown) => error instanceof GatewayError && error.code === 'unsupported_feature' && error.param === param,
  );
}

describe('toGeminiOpenApiSchema', () => {
  it('upper-cases types and keeps the supported keywords', () => {
    assert.deepEqual(
      toGeminiOpenApiSchema({
        type: 'object',
        title: 'T',
        description: 'D',
        properties: {
          n: { type: 'integer', minimum: 1, maximum: 9, format: 'int32' },
          s: { type: 'string', minLength: 1, pattern: '^a', format: 'date-time' },
          list: { type: 'array', items: { type: 'number', format: 'double' }, minItems: 1, maxItems: 3 },
        },
        required: ['n', 'missing'],
      }),
      {
        type: 'OBJECT',
        title: 'T',
        description: 'D',
        properties: {
          n: { type: 'INTEGER', minimum: 1, maximum: 9, format: 'int32' },
          s: { type: 'STRING', minLength: 1, pattern: '^a', format: 'date-time' },
          list: { type: 'ARRAY', items: { type: 'NUMBER', format: 'double' }, minItems: 1, maxItems: 3 },
        },
        required: ['n'],
      },
    );
  });

  it('drops keywords Gemini rejects that only narrow validity', () => {
    assert.deepEqual(
      toGeminiOpenApiSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: 'x',
        type: 'object',
        additionalProperties: { type: 'string' },
        propertyNames: { pattern: '^a' },
        patternProperties: { '^b': {} },
        properties: { e: { type: 'string', format: 'email', default: 'a', examples: ['b'] }, k: { type: 'integer', enum: [1, 2], exclusiveMinimum: 0 } },
      }),
      { type: 'OBJECT', properties: { e: { type: 'STRING' }, k: { type: 'INTEGER' } } },
    );
  });

  it('turns type arrays and null branches into nullable, several types into anyOf', () => {
    assert.deepEqual(toGeminiOpenApiSchema({ type: ['string', 'null'] }), { type: 'STRING', nullable: true });
    assert.deepEqual(toGeminiOpenApiSchema({ type: ['string', 'integer'] }), { anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] });
    assert.deepEqual(toGeminiOpenApiSchema({ anyOf: [{ type: 'number' }, { type: 'null' }], description: 'd' }), { type: 'NUMBER', description: 'd', nullable: true });
    assert.deepEqual(toGeminiOpenApiSchema({ oneOf: [{ type: 'string' }, { type: 'boolean' }, { type: 'null' }] }), {
      anyOf: [{ type: 'STRING' }, { type: 'BOOLEAN' }],
      nullable: true,
    });
  });

  it('turns a string const into an enum and infers missing types', () => {
    assert.deepEqual(toGeminiOpenApiSchema({ const: 'on' }), { type: 'STRING', enum: ['on'] });
    assert.deepEqual(toGeminiOpenApiSchema({ properties: { a: { items: {} } } }), { type: 'OBJECT', properties: { a: { type: 'ARRAY', items: {} } } });
    assert.deepEqual(toGeminiOpenApiSchema({ type: 'string', enum: ['a', 'b'] }), { type: 'STRING', enum: ['a', 'b'] });
  });

  it('inlines local $ref and single-member allOf', () => {
    assert.deepEqual(
      toGeminiOpenApiSchema({
        type: 'object',
        properties: { a: { $ref: '#/definitions/A', description: 'override' }, b: { allOf: [{ $ref: '#/$defs/B' }], description: 'b' } },
        definitions: { A: { type: 'string', description: 'orig' } },
        $defs: { B: { type: 'integer' } },
      }),
      { type: 'OBJECT', properties: { a: { type: 'STRING', description: 'override' }, b: { type: 'INTEGER', description: 'b' } } },
    );
  });

  it('refuses what cannot be expressed, naming the schema path', () => {
    refused({ type: 'object', properties: { node: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } } }, 'parameters.properties.node.properties.next.$ref');
    refused({ properties: { a: { $ref: 'https://example.com/s.json' } } }, 'parameters.properties.a.$ref');
    refused({ properties: { a: { $ref: '#/$defs/Missing' } } }, 'parameters.properties.a.$ref');
    refused({ allOf: [{ type: 'object' }, { required: ['a'] }] }, 'parameters.allOf');
    refused({ not: { type: 'string' } }, 'parameters.not');
    refused({ type: 'array', prefixItems: [{ type: 'string' }] }, 'parameters.items');
    refused({ properties: { a: false } }, 'parameters.properties.a');
    refused({ type: 'null' }, 'parameters.type');
  });
});

describe('fromGeminiOpenApiSchema', () => {
  it('lower-cases types, turns nullable into a null type and drops Gemini-only keywords', () => {
    assert.deepEqual(
      fromGeminiOpenApiSchema({
        type: 'OBJECT',
        propertyOrdering: ['a'],
        properties: { a: { type: 'STRING', format: 'enum', enum: ['x'], nullable: true }, b: { anyOf: [{ type: 'INTEGER' }], nullable: true }, c: { type: 'ARRAY', items: { type: 'NUMBER' }, example: [1] } },
      }),
      { type: 'object', properties: { a: { type: ['string', 'null'], enum: ['x'] }, b: { anyOf: [{ type: 'integer' }, { type: 'null' }] }, c: { type: 'array', items: { type: 'number' } } } },
    );
  });

  it('round-trips what the sanitiser produces for plain schemas', () => {
    const schema = { type: 'object', properties: { a: { type: 'string', enum: ['x', 'y'] }, b: { type: 'array', items: { type: 'integer' } } }, required: ['a'] };
    assert.deepEqual(fromGeminiOpenApiSchema(toGeminiOpenApiSchema(schema)), schema);
  });
});
