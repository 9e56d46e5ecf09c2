import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  AssistantContentPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalResponse,
  FinishReason,
  ToolCallPart,
  ToolDefinition,
  UserContentPart,
} from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import { SseParser } from '../../util/sse.js';
import { openaiChatCodec as codec } from './index.js';
import { accumulate, decodeSseText, encodeParts, partsFromResponse } from './test-support.js';

/**
 * Property tests: anything canonical that Chat can express survives canonical → Chat (→ JSON wire) →
 * canonical, and no input, however malformed, escapes as anything but a GatewayError.
 */

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 });
const word = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const base64 = fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const jsonObject = fc.dictionary(word, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });

/** The wire: what the other side sees is JSON text. */
function wire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const userPart: fc.Arbitrary<UserContentPart> = fc.oneof(
  text.map((value) => ({ type: 'text' as const, text: value })),
  fc.record(
    {
      mediaType: fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp'),
      data: base64,
      detail: fc.constantFrom('auto' as const, 'low' as const, 'high' as const),
    },
    { requiredKeys: ['mediaType', 'data'] },
  ).map(({ mediaType, data, detail }) => ({ type: 'image' as const, source: { kind: 'base64' as const, mediaType, data }, ...(detail && { detail }) })),
  word.map((name) => ({ type: 'image' as const, source: { kind: 'url' as const, url: `https://img.example.com/${name}.png` } })),
  fc.tuple(base64, word).map(([data, name]) => ({
    type: 'document' as const,
    source: { kind: 'base64' as const, mediaType: 'application/pdf', data },
    title: `${name}.pdf`,
  })),
  word.map((id) => ({ type: 'document' as const, source: { kind: 'file' as const, fileId: `file-${id}`, mediaType: 'application/pdf' }, title: `${id}.pdf` })),
);

/** A conversation: system messages anywhere, user turns, assistant turns whose calls get answered. */
const messages: fc.Arbitrary<CanonicalMessage[]> = fc
  .array(
    fc.record({
      system: fc.option(fc.array(text, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      user: fc.array(userPart, { minLength: 1, maxLength: 3 }),
      assistantTexts: fc.array(text, { maxLength: 2 }),
      refusal: fc.option(text, { nil: undefined }),
      calls: fc.array(fc.record({ name: word, args: jsonObject, answer: fc.array(text, { maxLength: 2 }) }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((turns) => {
    const result: CanonicalMessage[] = [];
    let callNumber = 0;
    for (const turn of turns) {
      if (turn.system !== undefined) result.push({ role: 'system', content: turn.system.map((value) => ({ type: 'text', text: value })) });
      result.push({ role: 'user', content: turn.user });
      const calls: ToolCallPart[] = turn.calls.map((call) => ({ type: 'tool-call', id: `call_${callNumber++}`, name: call.name, arguments: JSON.stringify(call.args) }));
      const content: AssistantContentPart[] = [
        ...turn.assistantTexts.map((value) => ({ type: 'text' as const, text: value })),
        ...(turn.refusal === undefined ? [] : [{ type: 'refusal' as const, text: turn.refusal }]),
        ...calls,
      ];
      if (content.length > 0) result.push({ role: 'assistant', content });
      if (calls.length > 0) {
        result.push({
          role: 'tool',
          content: calls.map((call, index) => ({
            type: 'tool-result',
            toolCallId: call.id,
            toolName: call.name,
            content: (turn.calls[index]?.answer ?? []).map((value) => ({ type: 'text', text: value })),
          })),
        });
      }
    }
    return result;
  });

const tools: fc.Arbitrary<ToolDefinition[]> = fc.uniqueArray(word, { minLength: 1, maxLength: 3 }).chain((names) =>
  fc.tuple(
    ...names.map((name) =>
      fc
        .record({ description: text, strict: fc.boolean(), properties: jsonObject }, { requiredKeys: ['properties'] })
        .map(({ description, strict, properties }): ToolDefinition => ({
          name,
          parameters: { type: 'object', properties },
          ...(description !== undefined && { description }),
          ...(strict !== undefined && { strict }),
        })),
    ),
  ),
);

const finite = (min: number, max: number): fc.Arbitrary<number> => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

const request: fc.Arbitrary<CanonicalRequest> = fc
  .record(
    {
      messages,
      tools,
      toolChoiceKind: fc.constantFrom('auto', 'none', 'required', 'tool'),
      parallelToolCalls: fc.boolean(),
      maxOutputTokens: fc.integer({ min: 1, max: 200_000 }),
      temperature: finite(0, 2),
      topP: finite(0, 1),
      seed: fc.integer(),
      stopSequences: fc.array(text, { minLength: 1, maxLength: 4 }),
      presencePenalty: finite(-2, 2),
      frequencyPenalty: finite(-2, 2),
      responseFormat: fc.oneof(
        fc.constant({ type: 'text' as const }),
        fc.constant({ type: 'json' as const }),
        fc.record({ name: word, schema: jsonObject, strict: fc.boolean(), description: text }, { requiredKeys: ['name', 'schema'] }).map((format) => ({ type: 'json-schema' as const, ...format })),
      ),
      effort: fc.constantFrom('none' as const, 'minimal' as const, 'low' as const, 'medium' as const, 'high' as const, 'xhigh' as const),
      stream: fc.boolean(),
      n: fc.integer({ min: 1, max: 4 }),
      logprobs: fc.record({ topLogprobs: fc.integer({ min: 0, max: 20 }) }, { requiredKeys: [] }),
      user: word,
    },
    { requiredKeys: ['messages', 'stream'] },
  )
  .map((fields) => {
    const result: CanonicalRequest = { model: 'upstream-model', messages: fields.messages, stream: fields.stream };
    if (fields.tools !== undefined) {
      result.tools = fields.tools;
      const first = fields.tools[0]?.name ?? 'f';
      if (fields.toolChoiceKind !== undefined) result.toolChoice = fields.toolChoiceKind === 'tool' ? { type: 'tool', name: first } : { type: fields.toolChoiceKind as 'auto' | 'none' | 'required' };
      if (fields.parallelToolCalls !== undefined) result.parallelToolCalls = fields.parallelToolCalls;
    }
    if (fields.maxOutputTokens !== undefined) result.maxOutputTokens = fields.maxOutputTokens;
    if (fields.temperature !== undefined) result.temperature = fields.temperature;
    if (fields.topP !== undefined) result.topP = fields.topP;
    if (fields.seed !== undefined) result.seed = fields.seed;
    if (fields.stopSequences !== undefined) result.stopSequences = fields.stopSequences;
    if (fields.presencePenalty !== undefined) result.presencePenalty = fields.presencePenalty;
    if (fields.frequencyPenalty !== undefined) result.frequencyPenalty = fields.frequencyPenalty;
    if (fields.responseFormat !== undefined) result.responseFormat = fields.responseFormat;
    if (fields.effort !== undefined) result.reasoning = { effort: fields.effort };
    // Streaming upstream always asks for usage (README.md), so it comes back as asked.
    if (fields.stream) result.streamIncludeUsage = true;
    if (fields.n !== undefined) result.n = fields.n;
    if (fields.logprobs !== undefined) result.logprobs = fields.logprobs;
    if (fields.user !== undefined) result.user = fields.user;
    return result;
  });

const usage = fc.record({
  inputTokens: fc.nat(),
  outputTokens: fc.nat(),
  cachedInputTokens: fc.nat(),
  cacheWriteTokens: fc.nat(),
  reasoningTokens: fc.nat(),
}).map((counts) => ({ ...counts })); // fc.record objects have a null prototype

const response: fc.Arbitrary<CanonicalResponse> = fc
  .record({
    id: word.map((id) => `chatcmpl-${id}`),
    model: word,
    created: fc.integer({ min: 0, max: 2_000_000_000 }),
    reasoning: fc.option(text, { nil: undefined }),
    text: fc.option(text, { nil: undefined }),
    refusal: fc.option(text, { nil: undefined }),
    calls: fc.array(fc.record({ name: word, args: jsonObject }), { maxLength: 3 }),
    reason: fc.constantFrom<FinishReason>('stop', 'length', 'tool-calls', 'content-filter'),
    usage,
  })
  .map((fields) => {
    const content: AssistantContentPart[] = [];
    if (fields.reasoning !== undefined) content.push({ type: 'reasoning', text: fields.reasoning, origin: 'openai' });
    if (fields.text !== undefined) content.push({ type: 'text', text: fields.text });
    if (fields.refusal !== undefined) content.push({ type: 'refusal', text: fields.refusal });
    fields.calls.forEach((call, index) => content.push({ type: 'tool-call', id: `call_${index}`, name: call.name, arguments: JSON.stringify(call.args) }));
    // Chat says "stop" for both; the calls decide (trap 6).
    const finishReason: FinishReason = fields.calls.length > 0 && fields.reason === 'stop' ? 'tool-calls' : fields.calls.length === 0 && fields.reason === 'tool-calls' ? 'stop' : fields.reason;
    return { id: fields.id, model: fields.model, created: fields.created, content, finishReason, usage: fields.usage };
  });

describe('openai-chat properties', () => {
  it('canonical request → Chat body (JSON) → canonical request is the identity for what Chat expresses', () => {
    fc.assert(
      fc.property(request, (canonical) => {
        const decoded = codec.decodeRequest(wire(codec.encodeRequest(canonical, 'upstream-model')));
        assert.deepEqual(decoded, wire(canonical));
      }),
      { numRuns: 300 },
    );
  });

  it('canonical response → Chat body (JSON) → canonical response is the identity', () => {
    fc.assert(
      fc.property(response, (canonical) => {
        const encoded = wire(codec.encodeResponse(canonical, { requestId: 'req', model: canonical.model }));
        assert.deepEqual(codec.decodeResponse(encoded), canonical);
      }),
      { numRuns: 300 },
    );
  });

  it('canonical stream → Chat SSE (any fragment and byte-piece sizes) → canonical stream accumulates to the same response', () => {
    fc.assert(
      fc.property(response, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 64 }), (canonical, fragment, piece) => {
        const sse = encodeParts(partsFromResponse(canonical, fragment), { requestId: 'req', model: canonical.model, includeUsage: true });
        const result = accumulate(decodeSseText(sse, piece));
        assert.equal(result.error, undefined);
        assert.deepEqual(result.unendedToolCalls, []);
        assert.deepEqual(result.response, canonical);
      }),
      { numRuns: 200 },
    );
  });

  it('arbitrary request bodies are decoded or refused with a GatewayError, never a crash', () => {
    const messageLike = fc.record(
      { role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function', 'x'), content: fc.jsonValue({ maxDepth: 3 }), tool_calls: fc.jsonValue({ maxDepth: 3 }), tool_call_id: fc.jsonValue({ maxDepth: 1 }) },
      { requiredKeys: ['role'] },
    );
    const bodies = fc.oneof(
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
      fc.record({ model: fc.jsonValue({ maxDepth: 1 }), messages: fc.array(fc.oneof(messageLike, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }) }, { requiredKeys: ['messages'] }),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        try {
          codec.decodeRequest(body as Record<string, unknown>);
        } catch (error) {
          assert.ok(error instanceof GatewayError, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('arbitrary stream events never make the decoder throw', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value))), { maxLength: 8 }), (events) => {
        const decoder = codec.createStreamDecoder();
        const parser = new SseParser();
        for (const data of events) for (const event of parser.push(`data: ${data.replace(/\n/g, ' ')}\n\n`)) decoder.push(event);
        decoder.end();
      }),
      { numRuns: 300 },
    );
  });
});
