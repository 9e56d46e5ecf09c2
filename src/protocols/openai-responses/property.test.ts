import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import OpenAI from 'openai';
import type {
  AssistantContentPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalResponse,
  FinishReason,
  ImagePart,
  ReasoningPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { openaiResponsesCodec as codec } from './index.js';
import { accumulate, decodeStreamText, encodeStreamParts, essence, responseToParts, testContext } from './testing-helpers.js';

/**
 * Property tests: any canonical request or response the Responses API can express survives
 * canonical → Responses → canonical. The arbitraries produce the canonical forms this codec decodes to
 * (its "normal form"): no empty text, consecutive assistant-side parts in one message, reasoning as
 * one part per summary text with the encrypted content on the last, strict set on every tool.
 */

const text = fc.string({ minLength: 1, maxLength: 40 });
const identifier = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,15}$/);
const jsonText = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify({ value }));
const schema = fc.record({ type: fc.constant('object'), properties: fc.dictionary(identifier, fc.record({ type: fc.constantFrom('string', 'integer') }), { maxKeys: 3 }) });
const base64 = fc.base64String({ minLength: 4, maxLength: 40 }).filter((value) => value.length % 4 === 0);
const detail = fc.constantFrom('auto' as const, 'low' as const, 'high' as const);

const image: fc.Arbitrary<ImagePart> = fc.oneof(
  fc.record({ type: fc.constant('image' as const), source: fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp'), data: base64 }), detail }),
  fc.record({ type: fc.constant('image' as const), source: fc.record({ kind: fc.constant('url' as const), url: identifier.map((name) => `https://example.com/${name}.png`) }), detail }),
  fc.record({ type: fc.constant('image' as const), source: fc.record({ kind: fc.constant('file' as const), fileId: identifier.map((name) => `file-${name}`) }), detail }),
);

const userPart: fc.Arbitrary<UserContentPart> = fc.oneof(
  { weight: 4, arbitrary: text.map((value) => ({ type: 'text' as const, text: value })) },
  { weight: 1, arbitrary: image },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.record({ type: fc.constant('document' as const), source: fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constantFrom('application/pdf', 'text/plain'), data: base64 }), title: identifier.map((name) => `${name}.pdf`) }),
      fc.record({ type: fc.constant('document' as const), source: fc.record({ kind: fc.constant('url' as const), url: identifier.map((name) => `https://example.com/${name}.pdf`) }) }),
      fc.record({ type: fc.constant('document' as const), source: fc.record({ kind: fc.constant('file' as const), fileId: identifier }), title: identifier }),
    ),
  },
);

/** One reasoning item as the parts it decodes to. */
function reasoningItem(requireEncrypted: boolean): fc.Arbitrary<ReasoningPart[]> {
  return fc
    .record({
      itemId: identifier.map((name) => `rs_${name}`),
      summaries: fc.array(text, { maxLength: 3 }),
      encryptedContent: requireEncrypted ? base64 : fc.option(base64, { nil: undefined }),
    })
    .filter((item) => item.summaries.length > 0 || item.encryptedContent !== undefined)
    .map(({ itemId, summaries, encryptedContent }) => {
      const parts: ReasoningPart[] = (summaries.length === 0 ? [''] : summaries).map((summary) => ({ type: 'reasoning', text: summary, origin: 'openai', itemId }));
      const last = parts[parts.length - 1];
      if (last !== undefined && encryptedContent !== undefined) last.encryptedContent = encryptedContent;
      return parts;
    });
}

function assistantContent(requireEncrypted: boolean): fc.Arbitrary<AssistantContentPart[]> {
  const segment: fc.Arbitrary<AssistantContentPart[]> = fc.oneof(
    { weight: 3, arbitrary: text.map((value) => [{ type: 'text' as const, text: value }]) },
    { weight: 1, arbitrary: text.map((value) => [{ type: 'refusal' as const, text: value }]) },
    { weight: 2, arbitrary: fc.record({ type: fc.constant('tool-call' as const), id: identifier.map((name) => `call_${name}`), name: identifier, arguments: jsonText }).map((call) => [call]) },
    { weight: 1, arbitrary: reasoningItem(requireEncrypted) },
  );
  return fc
    .array(segment, { minLength: 1, maxLength: 5 })
    .map((segments) => {
      // Two adjacent reasoning items with one id would be one item: make the ids distinct.
      segments.forEach((segment, index) => {
        for (const part of segment) if (part.type === 'reasoning') part.itemId = `${part.itemId ?? 'rs'}_${index}`;
      });
      return segments.flat();
    });
}

const toolResult: fc.Arbitrary<ToolResultPart> = fc.record({
  type: fc.constant('tool-result' as const),
  toolCallId: identifier.map((name) => `call_${name}`),
  content: fc.array(fc.oneof(text.map((value) => ({ type: 'text' as const, text: value })), image), { maxLength: 3 }),
});

const message: fc.Arbitrary<CanonicalMessage> = fc.oneof(
  fc.record({ role: fc.constant('system' as const), content: fc.array(text.map((value) => ({ type: 'text' as const, text: value })), { minLength: 1, maxLength: 2 }) }),
  fc.record({ role: fc.constant('user' as const), content: fc.array(userPart, { minLength: 1, maxLength: 3 }) }),
  fc.record({ role: fc.constant('assistant' as const), content: assistantContent(true) }),
  fc.record({ role: fc.constant('tool' as const), content: fc.array(toolResult, { minLength: 1, maxLength: 2 }) }),
);

/** Adjacent assistant (or tool) messages are one turn on the wire; results learn their call's name. */
function normalizeConversation(messages: CanonicalMessage[]): CanonicalMessage[] {
  const result = messages.filter((current, index) => {
    const previous = messages[index - 1];
    return !(previous !== undefined && (current.role === 'assistant' || current.role === 'tool') && previous.role === current.role);
  });
  const names = new Map<string, string>();
  for (const current of result) {
    if (current.role === 'assistant') for (const part of current.content) if (part.type === 'tool-call') names.set(part.id, part.name);
    if (current.role === 'tool') {
      for (const part of current.content) {
        const name = names.get(part.toolCallId);
        if (name !== undefined) part.toolName = name;
      }
    }
  }
  return result;
}

const request: fc.Arbitrary<CanonicalRequest> = fc
  .record(
    {
      model: identifier,
      messages: fc.array(message, { minLength: 1, maxLength: 6 }).map(normalizeConversation),
      stream: fc.boolean(),
      tools: fc.array(fc.record({ name: identifier, description: fc.option(text, { nil: undefined }), parameters: schema, strict: fc.boolean() }, { requiredKeys: ['name', 'parameters', 'strict'] }), { minLength: 1, maxLength: 3 }),
      toolChoice: fc.oneof(fc.constantFrom({ type: 'auto' as const }, { type: 'none' as const }, { type: 'required' as const }), identifier.map((name) => ({ type: 'tool' as const, name }))),
      parallelToolCalls: fc.boolean(),
      // 16 is the API minimum: smaller caps are raised (regressions.test.ts).
      maxOutputTokens: fc.integer({ min: 16, max: 100_000 }),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      topP: fc.double({ min: 0, max: 1, noNaN: true }),
      responseFormat: fc.oneof(
        fc.constantFrom({ type: 'text' as const }, { type: 'json' as const }),
        fc.record({ type: fc.constant('json-schema' as const), name: identifier, schema, strict: fc.boolean(), description: text }, { requiredKeys: ['type', 'name', 'schema'] }),
      ),
      reasoning: fc.record({ effort: fc.constantFrom('none' as const, 'minimal' as const, 'low' as const, 'medium' as const, 'high' as const, 'xhigh' as const), includeThoughts: fc.constant(true as const) }, { requiredKeys: [] }),
      logprobs: fc.record({ topLogprobs: fc.integer({ min: 0, max: 20 }) }, { requiredKeys: [] }),
      user: identifier,
      metadata: fc.dictionary(identifier, text, { minKeys: 1, maxKeys: 3 }),
    },
    { requiredKeys: ['model', 'messages', 'stream'] },
  )
  .map((value) => JSON.parse(JSON.stringify(value)) as CanonicalRequest)
  .filter((value) => value.reasoning === undefined || Object.keys(value.reasoning).length > 0);

function finishFor(content: AssistantContentPart[]): fc.Arbitrary<FinishReason> {
  const natural: FinishReason = content.some((part) => part.type === 'tool-call') ? 'tool-calls' : 'stop';
  return fc.constantFrom(natural, 'length' as const, 'content-filter' as const);
}

const response: fc.Arbitrary<CanonicalResponse> = assistantContent(false).chain((content) =>
  fc.record({
    id: identifier.map((name) => `resp_${name}`),
    model: identifier,
    created: fc.integer({ min: 0, max: 2_000_000_000 }),
    content: fc.constant(content),
    finishReason: finishFor(content),
    usage: fc.record({
      inputTokens: fc.nat(1_000_000),
      outputTokens: fc.nat(1_000_000),
      cachedInputTokens: fc.nat(1_000_000),
      cacheWriteTokens: fc.nat(1_000),
      reasoningTokens: fc.nat(1_000_000),
    }),
  }),
);

describe('round trips through the Responses wire format', () => {
  it('requests: canonical → Responses body → canonical', () => {
    fc.assert(
      fc.property(request, (original) => {
        const encoded = codec.encodeRequest(original, original.model);
        assert.deepEqual(JSON.parse(JSON.stringify(codec.decodeRequest(JSON.parse(JSON.stringify(encoded)) as Record<string, unknown>))), original);
      }),
      { numRuns: 300 },
    );
  });

  it('responses: canonical → Responses response → canonical', () => {
    fc.assert(
      fc.property(response, (original) => {
        const decoded = codec.decodeResponse(JSON.parse(JSON.stringify(codec.encodeResponse(original, testContext))));
        assert.deepEqual(essence(decoded), essence(original));
        assert.equal(decoded.id, original.id);
        assert.equal(decoded.created, original.created);
      }),
      { numRuns: 300 },
    );
  });

  it('streams: canonical parts → Responses events → canonical parts, read at any chunking', () => {
    fc.assert(
      fc.property(response, fc.integer({ min: 1, max: 200 }), (original, chunkSize) => {
        const wire = encodeStreamParts(responseToParts(original));
        assert.deepEqual(essence(accumulate(decodeStreamText(wire, chunkSize))), essence(original));
      }),
      { numRuns: 200 },
    );
  });

  it('streams: the openai SDK accepts every encoded stream and agrees on the text and calls', async () => {
    await fc.assert(
      fc.asyncProperty(response, async (original) => {
        const wire = encodeStreamParts(responseToParts(original));
        const client = new OpenAI({ apiKey: 'k', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: async () => new Response(wire, { headers: { 'content-type': 'text/event-stream' } }) });
        const final = await client.responses.stream({ model: 'm', input: 'x' }).finalResponse();
        const texts = original.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
        assert.equal(final.output_text, texts);
        const calls = final.output.filter((item) => item.type === 'function_call').map((item) => (item.type === 'function_call' ? [item.call_id, item.arguments] : []));
        assert.deepEqual(
          calls,
          original.content.flatMap((part) => (part.type === 'tool-call' ? [[part.id, part.arguments]] : [])),
        );
      }),
      { numRuns: 60 },
    );
  });
});
