import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAXIMUM_BREAKPOINTS, placeAnthropicBreakpoints } from './anthropic-breakpoints.js';
import { isObject, type JsonObject } from './json.js';
import { cacheMarks, deepFreeze, prose } from './test-support.js';

const cacheControl = fc.option(fc.constantFrom({ type: 'ephemeral' }, { type: 'ephemeral', ttl: '1h' }, { type: 'ephemeral', ttl: '5m' }), { nil: undefined, freq: 20 });
const sized = fc.integer({ min: 0, max: 1500 }).map((tokens) => prose(tokens));
const withMark = (block: JsonObject, mark: unknown): JsonObject => (mark === undefined ? block : { ...block, cache_control: mark });

const userBlock = fc.oneof(
  fc.tuple(fc.oneof(sized, fc.constantFrom('', '  ')), cacheControl).map(([text, mark]) => withMark({ type: 'text', text }, mark)),
  fc.tuple(sized, cacheControl).map(([text, mark]) => withMark({ type: 'tool_result', tool_use_id: 'toolu_1', content: text }, mark)),
  fc.tuple(sized, cacheControl).map(([text, mark]) => withMark({ type: 'tool_result', tool_use_id: 'toolu_1', content: [withMark({ type: 'text', text: text || 'x' }, mark)] }, undefined)),
  cacheControl.map((mark) => withMark({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, mark)),
);
const assistantBlock = fc.oneof(
  fc.constant({ type: 'thinking', thinking: 'hmm', signature: 'c2ln' }),
  fc.constant({ type: 'redacted_thinking', data: 'ZGF0YQ==' }),
  fc.tuple(fc.oneof(sized, fc.constant('')), cacheControl).map(([text, mark]) => withMark({ type: 'text', text }, mark)),
  cacheControl.map((mark) => withMark({ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }, mark)),
);
const message = (role: 'user' | 'assistant'): fc.Arbitrary<JsonObject> =>
  fc.oneof(
    { weight: 1, arbitrary: sized.map((content) => ({ role, content })) },
    { weight: 4, arbitrary: fc.array(role === 'user' ? userBlock : assistantBlock, { minLength: 1, maxLength: 30 }).map((content) => ({ role, content })) },
  );
const conversation = fc.integer({ min: 1, max: 8 }).chain((turns) =>
  fc.tuple(...Array.from({ length: turns }, (_, index) => message(index % 2 === 0 ? 'user' : 'assistant'))),
);
const body = fc.record({
  model: fc.constantFrom('claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-6', 'claude-sonnet-4-6'),
  max_tokens: fc.constant(1024),
  tools: fc.array(cacheControl.map((mark) => withMark({ name: 'lookup', description: prose(200), input_schema: { type: 'object' } }, mark)), { maxLength: 3 }),
  system: fc.oneof(sized, fc.array(fc.tuple(sized, cacheControl).map(([text, mark]) => withMark({ type: 'text', text: text || 'x' }, mark)), { maxLength: 3 })),
  messages: conversation,
  cache_control: cacheControl,
}).chain((fields) =>
  // Half the bodies come without any caller breakpoint, the case automatic caching is for.
  fc.boolean().map((keepCallerMarks) => JSON.parse(JSON.stringify(fields), (key, inner: unknown) => (key === 'cache_control' && !keepCallerMarks ? undefined : inner)) as JsonObject),
);

const options = fc.record({ callerMarks: fc.constantFrom('respect' as const, 'fill' as const), ttl: fc.constantFrom(undefined, '5m' as const, '1h' as const) });

/** The body with every string content turned into its text block and every cache_control removed. */
function stripped(value: JsonObject): JsonObject {
  const blocks = (content: unknown): unknown => (typeof content === 'string' ? [{ type: 'text', text: content }] : content);
  const copy = JSON.parse(JSON.stringify({ ...value, system: blocks(value.system), messages: (value.messages as JsonObject[]).map((entry) => ({ ...entry, content: blocks(entry.content) })) }), (key, inner: unknown) => (key === 'cache_control' ? undefined : inner)) as JsonObject;
  if (Array.isArray(copy.system) && copy.system.length === 0 && !Array.isArray(value.system)) delete copy.system;
  return copy;
}

/** The block a `cacheMarks` path names, e.g. `messages[3].content[2]`. */
function blockAt(value: JsonObject, path: string): JsonObject {
  let current: unknown = value;
  for (const [, key, index] of path.matchAll(/(\w+)\[(\d+)\]/g)) {
    const container = isObject(current) ? current[key ?? ''] : undefined;
    current = Array.isArray(container) ? container[Number(index)] : undefined;
  }
  assert.ok(isObject(current), path);
  return current;
}

const ttlsInOrder = (value: JsonObject): string[] => {
  const order: string[] = [];
  JSON.stringify([value.tools, value.system, value.messages], (_key, inner: unknown) => {
    if (isObject(inner) && isObject(inner.cache_control)) order.push(inner.cache_control.ttl === '1h' ? '1h' : '5m');
    return inner;
  });
  if (isObject(value.cache_control)) order.push(value.cache_control.ttl === '1h' ? '1h' : '5m');
  return order;
};
const isNonIncreasing = (ttls: string[]): boolean => ttls.every((ttl, index) => index === 0 || !(ttl === '1h' && ttls[index - 1] === '5m'));

describe('placeAnthropicBreakpoints (properties)', () => {
  it('keeps the prompt, the caller’s breakpoints and the limits whatever the body', () => {
    fc.assert(
      fc.property(body, options, (input, chosen) => {
        const before = JSON.stringify(input);
        const result = placeAnthropicBreakpoints(deepFreeze(input), chosen);
        assert.equal(JSON.stringify(input), before, 'the input is unchanged');
        const callerMarks = cacheMarks(input);
        const marks = cacheMarks(result.body);
        if (!result.changed) assert.equal(result.body, input);
        if (chosen.callerMarks === 'respect' && callerMarks.length > 0) assert.equal(result.changed, false);
        // Only cache_control was added, and only where the caller had none.
        assert.deepEqual(stripped(result.body), stripped(input));
        for (const mark of callerMarks) assert.ok(marks.includes(mark), mark);
        assert.ok(marks.length <= Math.max(MAXIMUM_BREAKPOINTS, callerMarks.length));
        for (const block of marks.filter((mark) => !callerMarks.includes(mark)).map((mark) => blockAt(result.body, mark))) {
          assert.ok(block.type !== 'thinking' && block.type !== 'redacted_thinking', 'never on thinking');
          if (block.type === 'text') assert.ok(typeof block.text === 'string' && block.text.trim() !== '', 'never on empty text');
        }
        if (isNonIncreasing(ttlsInOrder(input))) assert.ok(isNonIncreasing(ttlsInOrder(result.body)), 'a longer TTL never follows a shorter one');
      }),
      { numRuns: 300 },
    );
  });
});
