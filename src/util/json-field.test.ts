import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { appendToTopLevelObject, findTopLevelStringValue, prependTopLevelField, replaceTopLevelString } from './json-field.js';

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

describe('appendToTopLevelObject', () => {
  it('adds a field at the end of the object a top-level key holds, keeping every other byte', () => {
    const body = Buffer.from('{"choices":[{"usage":{"x":1}}], "usage" : {"prompt_tokens": 10 , "nested":{"a":"}"}}, "id":"r"}');
    assert.equal(appendToTopLevelObject(body, 'usage', 'cost_usd', '0.000150')?.toString(), '{"choices":[{"usage":{"x":1}}], "usage" : {"prompt_tokens": 10 , "nested":{"a":"}"},"cost_usd":0.000150}, "id":"r"}');
  });

  it('writes no comma into an empty object and refuses a key that holds no object', () => {
    assert.equal(appendToTopLevelObject(Buffer.from('{"usage":{ }}'), 'usage', 'c', '1')?.toString(), '{"usage":{ "c":1}}');
    assert.equal(appendToTopLevelObject(Buffer.from('{"usage":null}'), 'usage', 'c', '1'), undefined);
    assert.equal(appendToTopLevelObject(Buffer.from('{"other":{}}'), 'usage', 'c', '1'), undefined);
  });

  it('agrees with JSON.parse on arbitrary objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), fc.integer(), (rest, usage, cost) => {
        const body = Buffer.from(JSON.stringify({ ...rest, usage }));
        const expected = JSON.parse(JSON.stringify({ ...rest, usage })) as { usage: Record<string, unknown> };
        expected.usage.cost_usd = cost;
        assert.deepEqual(JSON.parse(appendToTopLevelObject(body, 'usage', 'cost_usd', String(cost))!.toString()), expected);
      }),
    );
  });
});

describe('prependTopLevelField', () => {
  it('adds the field first and keeps the rest byte for byte', () => {
    assert.equal(prependTopLevelField(Buffer.from(' {"model":"m", "stream":true}'), 'stream_options', '{"include_usage":true}').toString(), ' {"stream_options":{"include_usage":true},"model":"m", "stream":true}');
    assert.equal(prependTopLevelField(Buffer.from('{ }'), 'a', '1').toString(), '{"a":1 }');
  });
});
