import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { z } from 'zod';
import { SeededRandom } from '../random.js';
import type { JsonSchema } from '../types.js';
import { generateJsonValue, type ValueHints } from './json-schema-value.js';

const hints: ValueHints = { keywords: ['weather', 'forecast'], properNouns: ['Lisbon', 'NVDA'], query: 'What is the weather in Lisbon?' };

function assertValid(schema: JsonSchema, value: unknown): void {
  const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  const result = validator.safeParse(value);
  assert.ok(result.success, `${JSON.stringify(value)} should match ${JSON.stringify(schema)}: ${result.success ? '' : result.error.message}`);
}

/** Random schemas from the subset tools and structured outputs use. */
const schemaArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ schema: Record<string, unknown> }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 5 }), maxLength: fc.integer({ min: 5, max: 40 }) }),
    fc.record({ type: fc.constant('string'), enum: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }) }),
    fc.record({ type: fc.constant('string'), format: fc.constantFrom('email', 'uuid', 'date', 'date-time', 'uri') }),
    fc.integer({ min: -50, max: 50 }).chain((minimum) => fc.record({ type: fc.constant('integer'), minimum: fc.constant(minimum), maximum: fc.integer({ min: minimum, max: minimum + 100 }) })),
    fc.record({ type: fc.constant('number'), exclusiveMinimum: fc.constant(0), maximum: fc.constant(1) }),
    fc.record({ type: fc.constant('boolean') }),
    fc.record({ type: fc.constant(['string', 'null']) }),
    fc.record({ type: fc.constant('array'), items: tie('schema'), minItems: fc.integer({ min: 0, max: 2 }), maxItems: fc.integer({ min: 2, max: 4 }) }),
    fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), tie('schema'), { maxKeys: 4 }).chain((properties) => fc.record({
      type: fc.constant('object'),
      properties: fc.constant(properties),
      required: fc.subarray(Object.keys(properties)),
      additionalProperties: fc.constant(false),
    })),
    fc.record({ anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }),
  ),
})).schema;

describe('generateJsonValue', () => {
  it('produces values valid against random schemas', () => {
    fc.assert(fc.property(schemaArbitrary, fc.integer(), (schema, seed) => {
      assertValid(schema, generateJsonValue(schema, new SeededRandom(seed), hints));
    }), { numRuns: 300 });
  });

  it('handles $ref, allOf, const, nested arrays and multipleOf', () => {
    const schema = {
      type: 'object',
      $defs: { point: { type: 'object', properties: { x: { type: 'number', multipleOf: 0.5 }, y: { type: 'integer', minimum: 3, maximum: 3 } }, required: ['x', 'y'], additionalProperties: false } },
      properties: {
        kind: { const: 'route' },
        points: { type: 'array', items: { $ref: '#/$defs/point' }, minItems: 2 },
        meta: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } }, required: ['b'] }] },
        tags: { type: 'array', items: { enum: ['x', 'y', 'z'] }, uniqueItems: true, maxItems: 3 },
      },
      required: ['kind', 'points', 'meta', 'tags'],
      additionalProperties: false,
    };
    for (let seed = 0; seed < 50; seed++) assertValid(schema, generateJsonValue(schema, new SeededRandom(seed), hints));
  });

  it('is deterministic and uses the conversation for names it recognises', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, ticker: { type: 'string' }, query: { type: 'string' } }, required: ['city', 'ticker', 'query'] };
    const first = generateJsonValue(schema, new SeededRandom(3), hints);
    assert.deepEqual(generateJsonValue(schema, new SeededRandom(3), hints), first);
    assert.deepEqual(first, { city: 'Lisbon', ticker: 'NVDA', query: 'What is the weather in Lisbon?' });
  });

  it('stops at recursive schemas', () => {
    const schema = { $ref: '#/$defs/node', $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } }, required: ['child'] } } };
    assert.doesNotThrow(() => generateJsonValue(schema, new SeededRandom(1), hints));
  });
});
