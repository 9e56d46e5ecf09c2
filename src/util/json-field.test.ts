import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findTopLevelStringValue, replaceTopLevelString } from './json-field.js';

describe('replaceTopLevelString', () => {
  it('rewrites only the model value and keeps every other byte', () => {
    const body = Buffer.from('{"messages":[{"role":"user","content":"the \\"model\\": x"}],  "model" :  "fast", "seed": 12345678901234567890}');
    const rewritten = replaceTopLevelString(body, 'model', 'gpt-5.5');
    assert.equal(rewritten.toString(), '{"messages":[{"role":"user","content":"the \\"model\\": x"}],  "model" :  "gpt-5.5", "seed": 12345678901234567890}');
  });

  it('ignores nested keys of the same name', () => {
    const body = Buffer.from('{"metadata":{"model":"inner"},"model":"outer"}');
    assert.equal(replaceTopLevelString(body, 'model', 'x').toString(), '{"metadata":{"model":"inner"},"model":"x"}');
  });

  it('finds nothing when the key holds no string', () => {
    assert.equal(findTopLevelStringValue(Buffer.from('{"model":5}'), 'model'), undefined);
  });

  it('agrees with JSON.parse on arbitrary objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), fc.string(), (rest, model, replacement) => {
        const body = Buffer.from(JSON.stringify({ ...rest, model }));
        const rewritten = JSON.parse(replaceTopLevelString(body, 'model', replacement).toString()) as Record<string, unknown>;
        assert.deepEqual(rewritten, JSON.parse(JSON.stringify({ ...rest, model: replacement })));
      }),
    );
  });
});
