/**
 * Property tests: arbitrary canonical requests, responses and streams that Anthropic can express survive
 * canonical → Anthropic → canonical unchanged. "Can express" is the documented subset (README.md): one
 * leading system message, non-empty text, Anthropic-signed reasoning, object arguments, user-ish turns
 * that are a tool message and/or a user message, sampling as claude-sonnet-4-5 takes it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type {
  AssistantContentPart,
  CacheControl,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalUsage,
  ImagePart,
  StreamPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { decodeAnthropicRequest } from './request-decode.js';
import { encodeAnthropicRequest } from './request-encode.js';
import { decodeAnthropicResponse } from './response-decode.js';
import { encodeAnthropicResponse } from './response-encode.js';
import { accumulate, assertAnthropicStreamGrammar, decodeSseText, encodeParts, wireEvents } from './test-support.js';

const MODEL = 'claude-sonnet-4-5';

/** fast-check builds null-prototype objects; the codec builds plain ones. Compare plain data. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const RUNS = { numRuns: 300 };

const text = fc.string({ minLength: 1, maxLength: 40 });
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);
const base64 = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const cacheControl: fc.Arbitrary<CacheControl> = fc.oneof(
  fc.constant<CacheControl>({ type: 'ephemeral' }),
  fc.constantFrom<'5m' | '1h'>('5m', '1h').map((ttl): CacheControl => ({ type: 'ephemeral', ttl })),
);
const jsonObjectText = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4, noNullPrototype: true }).map((value) => JSON.stringify(value));

const textPart = fc.record({ type: fc.constant('text' as const), text, cacheControl }, { requiredKeys: ['type', 'text'], noNullPrototype: true });
const imagePart: fc.Arbitrary<ImagePart> = fc.record(
  {
    type: fc.constant('image' as const),
    source: fc.oneof(
      fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constantFrom('image/jpeg', 'image/png', 'image/gif', 'image/webp'), data: base64 }),
      fc.record({ kind: fc.constant('url' as const), url: fc.webUrl({ withQueryParameters: false }) }),
    ),
    cacheControl,
  },
  { requiredKeys: ['type', 'source'], noNullPrototype: true },
);
const documentPart: fc.Arbitrary<UserContentPart> = fc.record(
  {
    type: fc.constant('document' as const),
    source: fc.oneof(
      fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constant('application/pdf'), data: base64 }),
      fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constant('text/plain'), data: text.map((value) => Buffer.from(value).toString('base64')) }),
      fc.record({ kind: fc.constant('url' as const), url: fc.webUrl({ withQueryParameters: false }) }),
    ),
    title: text,
    cacheControl,
  },
  { requiredKeys: ['type', 'source'], noNullPrototype: true },
);
const userMessage: fc.Arbitrary<CanonicalMessage> = fc
  .array(fc.oneof(textPart, imagePart, documentPart), { minLength: 1, maxLength: 4 })
  .map((content) => ({ role: 'user', content }));
const toolResult: fc.Arbitrary<ToolResultPart> = fc.record(
  {
    type: fc.constant('tool-result' as const),
    toolCallId: id,
    content: fc.array(fc.oneof(textPart, imagePart), { maxLength: 3 }),
    isError: fc.boolean(),
    cacheControl,
  },
  { requiredKeys: ['type', 'toolCallId', 'content'], noNullPrototype: true },
);
const reasoningPart: fc.Arbitrary<AssistantContentPart> = fc.oneof(
  fc.record({ type: fc.constant('reasoning' as const), text: fc.string({ maxLength: 40 }), origin: fc.constant('anthropic' as const), signature: text }),
  fc.record({ type: fc.constant('reasoning' as const), text: fc.constant(''), origin: fc.constant('anthropic' as const), redactedData: text }),
);
const toolCall: fc.Arbitrary<AssistantContentPart> = fc.record({ type: fc.constant('tool-call' as const), id, name: id, arguments: jsonObjectText });
const assistantContent = fc.array(fc.oneof(fc.record({ type: fc.constant('text' as const), text }), reasoningPart, toolCall), { minLength: 1, maxLength: 4 });

/** A user-ish turn: results for the previous assistant turn and/or a user message (never empty). */
const userishTurn: fc.Arbitrary<CanonicalMessage[]> = fc
  .tuple(fc.option(fc.array(toolResult, { minLength: 1, maxLength: 3 }), { nil: undefined }), fc.option(userMessage, { nil: undefined }))
  .map(([results, message]) => {
    const turn: CanonicalMessage[] = [];
    if (results !== undefined) turn.push({ role: 'tool', content: results });
    if (message !== undefined || turn.length === 0) turn.push(message ?? { role: 'user', content: [{ type: 'text', text: 'x' }] });
    return turn;
  });

const conversation: fc.Arbitrary<CanonicalMessage[]> = fc
  .tuple(
    fc.option(fc.array(textPart, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    userMessage,
    fc.array(fc.tuple(assistantContent, userishTurn), { maxLength: 4 }),
  )
  .map(([system, first, rounds]) => {
    const messages: CanonicalMessage[] = system === undefined ? [] : [{ role: 'system', content: system }];
    messages.push(first);
    for (const [assistant, userish] of rounds) messages.push({ role: 'assistant', content: assistant }, ...answerCalls(assistant, userish));
    return withToolNames(messages);
  });

/** Results answer the calls of the turn before them (extra results keep their own ids). */
function answerCalls(assistant: AssistantContentPart[], userish: CanonicalMessage[]): CanonicalMessage[] {
  const callIds = assistant.flatMap((part) => (part.type === 'tool-call' ? [part.id] : []));
  return userish.map((message) =>
    message.role !== 'tool'
      ? message
      : { role: 'tool', content: message.content.map((part, index) => ({ ...part, toolCallId: callIds[index] ?? part.toolCallId })) },
  );
}

/** The decoder fills a result's tool name from the matching call; the generator states it the same way. */
function withToolNames(messages: CanonicalMessage[]): CanonicalMessage[] {
  const names = new Map<string, string>();
  return messages.map((message) => {
    if (message.role === 'assistant') for (const part of message.content) if (part.type === 'tool-call') names.set(part.id, part.name);
    if (message.role !== 'tool') return message;
    return {
      role: 'tool',
      content: message.content.map((part) => {
        const { toolName: _ignored, ...rest } = part;
        const name = names.get(part.toolCallId);
        return name === undefined ? rest : { ...rest, toolName: name };
      }),
    };
  });
}

const tools = fc.uniqueArray(
  fc.record(
    {
      name: id,
      description: text,
      parameters: fc.constant({ type: 'object', properties: { q: { type: 'string' } } }),
      strict: fc.boolean(),
      cacheControl,
    },
    { requiredKeys: ['name', 'parameters'], noNullPrototype: true },
  ),
  { minLength: 1, maxLength: 3, selector: (tool) => tool.name },
);

const requestArbitrary: fc.Arbitrary<CanonicalRequest> = fc
  .record({
    messages: conversation,
    tools: fc.option(tools, { nil: undefined }),
    choice: fc.constantFrom('auto', 'none', 'required', 'tool', undefined),
    parallel: fc.option(fc.boolean(), { nil: undefined }),
    maxOutputTokens: fc.integer({ min: 1, max: 64_000 }),
    sampling: fc.oneof(
      fc.constant({}),
      fc.record({ temperature: fc.double({ min: 0, max: 1, noNaN: true }), topK: fc.integer({ min: 1, max: 500 }) }, { requiredKeys: ['temperature'], noNullPrototype: true }),
      fc.record({ topP: fc.double({ min: 0, max: 1, noNaN: true }) }),
    ),
    stopSequences: fc.option(fc.array(text, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    reasoning: fc.option(fc.oneof(fc.constant({ effort: 'none' as const }), fc.integer({ min: 1024, max: 32_000 }).map((budgetTokens) => ({ budgetTokens }))), {
      nil: undefined,
    }),
    schema: fc.option(fc.constant({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }), { nil: undefined }),
    user: fc.option(text, { nil: undefined }),
    stream: fc.boolean(),
  })
  .map((draft) => {
    const request: CanonicalRequest = { model: MODEL, messages: draft.messages, stream: draft.stream, maxOutputTokens: draft.maxOutputTokens };
    if (draft.tools !== undefined) {
      request.tools = draft.tools;
      const first = draft.tools[0];
      if (draft.choice === 'tool' && first !== undefined) request.toolChoice = { type: 'tool', name: first.name };
      else if (draft.choice !== undefined && draft.choice !== 'tool') request.toolChoice = { type: draft.choice };
      if (request.toolChoice !== undefined && request.toolChoice.type !== 'none' && draft.parallel !== undefined) request.parallelToolCalls = draft.parallel;
    }
    if (draft.stopSequences !== undefined) request.stopSequences = draft.stopSequences;
    if (draft.schema !== undefined) request.responseFormat = { type: 'json-schema', name: 'output', schema: draft.schema, strict: true };
    if (draft.user !== undefined) request.user = draft.user;
    const forced = request.toolChoice?.type === 'required' || request.toolChoice?.type === 'tool';
    const budget = draft.reasoning !== undefined && 'budgetTokens' in draft.reasoning ? draft.reasoning : undefined;
    if (draft.reasoning !== undefined && 'effort' in draft.reasoning) request.reasoning = draft.reasoning;
    else if (budget !== undefined && !forced && budget.budgetTokens < draft.maxOutputTokens && !finalToolTurnLacksThinking(draft.messages)) request.reasoning = budget;
    // With thinking on, sampling is Anthropic's default; otherwise it is sent as given.
    if (request.reasoning === undefined || request.reasoning.effort === 'none') Object.assign(request, draft.sampling);
    return request;
  });

function finalToolTurnLacksThinking(messages: CanonicalMessage[]): boolean {
  const last = [...messages].reverse().find((message) => message.role === 'assistant');
  if (last === undefined || last.role !== 'assistant' || !last.content.some((part) => part.type === 'tool-call')) return false;
  return last.content[0]?.type !== 'reasoning';
}

describe('property: canonical → Anthropic → canonical', () => {
  test('the request generator reaches every feature it claims to cover', () => {
    const samples = fc.sample(requestArbitrary, { numRuns: 400, seed: 42 });
    const count = (predicate: (request: CanonicalRequest) => boolean): number => samples.filter(predicate).length;
    const parts = (request: CanonicalRequest): string[] => request.messages.flatMap((message) => message.content.map((part) => part.type));
    const coverage = {
      system: count((request) => request.messages[0]?.role === 'system'),
      tool: count((request) => request.messages.some((message) => message.role === 'tool')),
      namedResult: count((request) => request.messages.some((message) => message.role === 'tool' && message.content.some((part) => part.toolName !== undefined))),
      reasoning: count((request) => parts(request).includes('reasoning')),
      image: count((request) => parts(request).includes('image')),
      document: count((request) => parts(request).includes('document')),
      budget: count((request) => request.reasoning?.budgetTokens !== undefined),
      thinkingOff: count((request) => request.reasoning?.effort === 'none'),
      noParallel: count((request) => request.parallelToolCalls === false),
      schema: count((request) => request.responseFormat !== undefined),
      temperature: count((request) => request.temperature !== undefined),
      topP: count((request) => request.topP !== undefined),
    };
    for (const [feature, hits] of Object.entries(coverage)) assert.ok(hits >= 5, `${feature}: ${hits} of 400 samples`);
  });

  test('requests Anthropic can express survive unchanged', () => {
    fc.assert(
      fc.property(requestArbitrary, (request) => {
        const encoded = encodeAnthropicRequest(request, MODEL);
        assert.deepEqual(decodeAnthropicRequest(plain(encoded) as unknown as Record<string, unknown>), plain(request));
      }),
      RUNS,
    );
  });

  test('adaptive-thinking models: effort and includeThoughts survive', () => {
    const reasoning = fc.record(
      { effort: fc.constantFrom('low', 'medium', 'high', 'xhigh' as const), includeThoughts: fc.boolean() },
      { requiredKeys: ['effort'], noNullPrototype: true },
    );
    fc.assert(
      fc.property(reasoning, fc.integer({ min: 1, max: 128_000 }), (wanted, maxOutputTokens) => {
        const request: CanonicalRequest = { model: 'claude-opus-4-7', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: true, maxOutputTokens, reasoning: wanted };
        const decoded = decodeAnthropicRequest(plain(encodeAnthropicRequest(request, 'claude-opus-4-7')) as unknown as Record<string, unknown>);
        assert.deepEqual(decoded, plain(request));
      }),
      RUNS,
    );
  });

  const usage: fc.Arbitrary<CanonicalUsage> = fc
    .record({
      uncached: fc.nat(100_000),
      cachedInputTokens: fc.nat(100_000),
      cacheWriteTokens: fc.nat(100_000),
      oneHour: fc.option(fc.nat(100_000), { nil: undefined }),
      outputTokens: fc.nat(100_000),
      reasoningTokens: fc.nat(1000),
    })
    .map((draft) => {
      const result: CanonicalUsage = {
        inputTokens: draft.uncached + draft.cachedInputTokens + draft.cacheWriteTokens,
        outputTokens: draft.outputTokens,
        cachedInputTokens: draft.cachedInputTokens,
        cacheWriteTokens: draft.cacheWriteTokens,
        reasoningTokens: draft.reasoningTokens,
      };
      if (draft.oneHour !== undefined) result.cacheWrite1hTokens = Math.min(draft.oneHour, draft.cacheWriteTokens);
      return result;
    });

  const responseArbitrary: fc.Arbitrary<CanonicalResponse> = fc
    .record(
      {
        id: id.map((value) => `msg_${value}`),
        model: text,
        created: fc.nat(2_000_000_000),
        content: assistantContent,
        finishReason: fc.constantFrom('stop', 'stop-sequence', 'length', 'tool-calls', 'refusal', 'pause' as const),
        stopSequence: text,
        usage,
      },
      { requiredKeys: ['id', 'model', 'created', 'content', 'finishReason', 'usage'], noNullPrototype: true },
    )
    .map((response) => {
      const hasCalls = response.content.some((part) => part.type === 'tool-call');
      // Anthropic decides "tool_use" by content (trap 6): a natural stop with calls reads back as tool-calls.
      return hasCalls && response.finishReason === 'stop' ? { ...response, finishReason: 'tool-calls' as const } : response;
    });

  test('responses survive unchanged', () => {
    fc.assert(
      fc.property(responseArbitrary, (response) => {
        const encoded = encodeAnthropicResponse(response, { requestId: 'req_p', model: response.model });
        assert.deepEqual(decodeAnthropicResponse(plain(encoded), () => response.created * 1000), plain(response));
      }),
      RUNS,
    );
  });

  test('streams of a response survive: same text, reasoning, tool calls, usage, stop reason; valid grammar', () => {
    fc.assert(
      fc.property(responseArbitrary, fc.integer({ min: 1, max: 7 }), (response, chunk) => {
        const parts = toParts(response, chunk);
        const encoded = encodeParts(parts, { requestId: 'req_p', model: response.model });
        assertAnthropicStreamGrammar(wireEvents(encoded));
        const decoded = accumulate(decodeSseText(encoded));
        const original = accumulate(parts);
        assert.deepEqual(decoded, { ...original, usage: response.usage });
      }),
      RUNS,
    );
  });

  test('interleaved blocks still encode to a valid one-block-at-a-time stream with intact tool calls', () => {
    fc.assert(
      fc.property(responseArbitrary.map(withUniqueCallIds), fc.integer({ min: 1, max: 5 }), fc.infiniteStream(fc.nat()), (response, chunk, picks) => {
        const parts = interleave(toParts(response, chunk), picks);
        const encoded = encodeParts(parts, { requestId: 'req_p', model: response.model });
        assertAnthropicStreamGrammar(wireEvents(encoded));
        const decoded = accumulate(decodeSseText(encoded));
        const original = accumulate(parts);
        const byId = (calls: typeof original.toolCalls): typeof original.toolCalls => [...calls].sort((a, b) => a.id.localeCompare(b.id));
        assert.deepEqual(byId(decoded.toolCalls), byId(original.toolCalls));
        assert.equal(decoded.text.join('').length, original.text.join('').length);
        assert.equal(decoded.finishReason, original.finishReason);
      }),
      { numRuns: 200 },
    );
  });
});

/** Providers never give two tool calls of one answer the same id; the interleaving test matches calls by id. */
function withUniqueCallIds(response: CanonicalResponse): CanonicalResponse {
  return { ...response, content: response.content.map((part, index) => (part.type === 'tool-call' ? { ...part, id: `${part.id}_${index}` } : part)) };
}

/** A response as the stream parts a decoder would produce, deltas cut into `chunk`-sized pieces. */
function toParts(response: CanonicalResponse, chunk: number): StreamPart[] {
  const pieces = (value: string): string[] => {
    const out: string[] = [];
    for (let offset = 0; offset < value.length; offset += chunk) out.push(value.slice(offset, offset + chunk));
    return out;
  };
  const parts: StreamPart[] = [{ type: 'response-start', id: response.id, model: response.model, created: response.created, usage: response.usage }];
  response.content.forEach((part, block) => {
    if (part.type === 'text' || part.type === 'refusal') {
      parts.push({ type: 'text-start', block }, ...pieces(part.text).map((text): StreamPart => ({ type: 'text-delta', block, text })), { type: 'text-end', block });
    } else if (part.type === 'reasoning') {
      parts.push({ type: 'reasoning-start', block, origin: part.origin }, ...pieces(part.text).map((text): StreamPart => ({ type: 'reasoning-delta', block, text })));
      const end: StreamPart = { type: 'reasoning-end', block };
      if (part.signature !== undefined) end.signature = part.signature;
      if (part.redactedData !== undefined) end.redactedData = part.redactedData;
      parts.push(end);
    } else {
      parts.push(
        { type: 'tool-call-start', block, id: part.id, name: part.name },
        ...pieces(part.arguments).map((argumentsDelta): StreamPart => ({ type: 'tool-call-delta', block, argumentsDelta })),
        { type: 'tool-call-end', block },
      );
    }
  });
  const finish: StreamPart = { type: 'finish', finishReason: response.finishReason, usage: response.usage };
  if (response.stopSequence !== undefined) finish.stopSequence = response.stopSequence;
  parts.push(finish);
  return parts;
}

/** Shuffles the blocks' parts together, keeping each block's own order (as OpenAI parallel calls may). */
function interleave(parts: StreamPart[], picks: fc.Stream<number>): StreamPart[] {
  const head = parts[0];
  const tail = parts[parts.length - 1];
  const queues = new Map<number, StreamPart[]>();
  for (const part of parts.slice(1, -1)) {
    if (!('block' in part)) continue;
    queues.set(part.block, [...(queues.get(part.block) ?? []), part]);
  }
  const lists = [...queues.values()];
  const out: StreamPart[] = head === undefined ? [] : [head];
  const iterator = picks[Symbol.iterator]();
  while (lists.some((list) => list.length > 0)) {
    const open = lists.filter((list) => list.length > 0);
    const next = open[(iterator.next().value ?? 0) % open.length];
    const part = next?.shift();
    if (part !== undefined) out.push(part);
  }
  if (tail !== undefined) out.push(tail);
  return out;
}
