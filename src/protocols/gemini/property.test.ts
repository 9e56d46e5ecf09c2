/**
 * Property tests: canonical requests, responses and streams that Gemini can express survive
 * canonical → Gemini → canonical unchanged.
 *
 * How ids compare: the encoder sends canonical call ids as `functionCall.id` / `functionResponse.id`
 * (the API accepts client-set ids), so ids survive exactly; only Gemini-originated traffic without ids
 * gets synthesised ones (covered in request.test.ts and response.test.ts).
 *
 * What the generators leave out, because Gemini cannot carry it (each has a named test elsewhere):
 * consecutive messages of the same role (merged), system messages after the first (hoisted), foreign
 * reasoning (dropped), user/metadata/parallelToolCalls/cacheControl/image detail/document title
 * (no Gemini field), json-schema name/strict (no Gemini field), tool-result images (separate test),
 * `stop-sequence`/`refusal`/`pause`/`error` finishes (no distinct Gemini reason), and for streams
 * adjacent blocks of the same kind (a Gemini stream has no block boundaries between text parts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  AssistantContentPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalResponse,
  FinishReason,
  ReasoningRequest,
  StreamPart,
  ToolChoice,
  ToolDefinition,
  UserContentPart,
} from '../../canonical/types.js';
import { geminiCodec } from './index.js';
import { accumulateStream, decodeStreamEvents, eventsForStreamFile, sseEvents } from './test-support.js';

const runs = { numRuns: 200 };
const text = fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme' });
const signature = fc.base64String({ minLength: 4, maxLength: 32 }).filter((value) => value.length > 0);
const optional = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined });
const identifier = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,11}$/);

function clean<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const jsonValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
const argumentsText = fc
  .dictionary(fc.string({ maxLength: 8 }).filter((key) => key !== '__proto__'), jsonValue, { maxKeys: 4 })
  .map((args) => JSON.stringify(args));

const userPart: fc.Arbitrary<UserContentPart> = fc.oneof(
  text.map((value) => ({ type: 'text' as const, text: value })),
  fc.record({ mediaType: fc.constantFrom('image/png', 'image/jpeg', 'image/webp'), data: signature }).map(({ mediaType, data }) => ({
    type: 'image' as const,
    source: { kind: 'base64' as const, mediaType, data },
  })),
  fc.constantFrom('image/png', 'image/gif').map((mediaType) => ({
    type: 'image' as const,
    source: { kind: 'url' as const, url: `https://example.com/picture.${mediaType.slice(6)}`, mediaType },
  })),
  signature.map((data) => ({ type: 'document' as const, source: { kind: 'base64' as const, mediaType: 'application/pdf', data } })),
  identifier.map((name) => ({ type: 'image' as const, source: { kind: 'file' as const, fileId: `files/${name}`, mediaType: 'image/png' } })),
);

const toolsArbitrary: fc.Arbitrary<ToolDefinition[]> = fc
  .uniqueArray(identifier, { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc.record({ description: optional(text), properties: fc.uniqueArray(identifier, { maxLength: 3 }) }).map(({ description, properties }) =>
          clean<ToolDefinition>({
            name,
            description,
            parameters: { type: 'object', properties: Object.fromEntries(properties.map((property) => [property, { type: 'string' }])), required: properties.slice(0, 1) },
          }),
        ),
      ),
    ),
  );

interface ExchangeShape {
  user: UserContentPart[];
  reasoning?: { text: string; signature?: string };
  answer?: { text: string; thoughtSignature?: string };
  calls: Array<{ tool: number; arguments: string; thoughtSignature?: string; result: string; isError?: boolean }>;
}

const exchange: fc.Arbitrary<ExchangeShape> = fc.record({
  user: fc.array(userPart, { minLength: 1, maxLength: 3 }),
  reasoning: optional(fc.record({ text, signature: optional(signature) })),
  answer: optional(fc.record({ text, thoughtSignature: optional(signature) })),
  calls: fc.array(
    fc.record({ tool: fc.nat(), arguments: argumentsText, thoughtSignature: optional(signature), result: fc.oneof(text, argumentsText), isError: optional(fc.constant(true)) }),
    { maxLength: 3 },
  ),
});

function conversation(system: string[] | undefined, exchanges: ExchangeShape[], tools: ToolDefinition[], withFinalUser: boolean): CanonicalMessage[] {
  const messages: CanonicalMessage[] = [];
  if (system !== undefined) messages.push({ role: 'system', content: system.map((value) => ({ type: 'text', text: value })) });
  exchanges.forEach((shape, turn) => {
    messages.push({ role: 'user', content: shape.user });
    const assistant: AssistantContentPart[] = [];
    if (shape.reasoning !== undefined) assistant.push(clean({ type: 'reasoning', origin: 'gemini', ...shape.reasoning }));
    if (shape.answer !== undefined) assistant.push(clean({ type: 'text', ...shape.answer }));
    const calls = shape.calls.map((call, index) => ({ ...call, id: `toolu_${turn}_${index}`, name: tools[call.tool % tools.length]?.name ?? 'f' }));
    for (const call of calls) assistant.push(clean({ type: 'tool-call', id: call.id, name: call.name, arguments: call.arguments, thoughtSignature: call.thoughtSignature }));
    if (assistant.length === 0) assistant.push({ type: 'text', text: 'ok' });
    messages.push({ role: 'assistant', content: assistant });
    if (calls.length > 0) {
      messages.push({
        role: 'tool',
        content: calls.map((call) => clean({ type: 'tool-result', toolCallId: call.id, toolName: call.name, content: [{ type: 'text', text: call.result }], isError: call.isError })),
      });
    }
  });
  if (withFinalUser) messages.push({ role: 'user', content: [{ type: 'text', text: 'next' }] });
  return messages;
}

function reasoningFor(gemini3: boolean): fc.Arbitrary<ReasoningRequest | undefined> {
  const includeThoughts = optional(fc.boolean());
  const budget = fc.record({ budgetTokens: fc.integer({ min: 1, max: 32768 }), includeThoughts });
  const effort = fc.record({ effort: fc.constantFrom('minimal' as const, 'low' as const, 'medium' as const, 'high' as const), includeThoughts });
  return optional(gemini3 ? fc.oneof(budget, effort) : budget).map((value) => (value === undefined ? undefined : clean(value)));
}

function requestArbitrary(model: string): fc.Arbitrary<CanonicalRequest> {
  return fc
    .record({
      system: optional(fc.array(text, { minLength: 1, maxLength: 2 })),
      exchanges: fc.array(exchange, { minLength: 1, maxLength: 3 }),
      withFinalUser: fc.boolean(),
      tools: toolsArbitrary,
      choice: fc.nat(5),
      stream: fc.boolean(),
      maxOutputTokens: optional(fc.integer({ min: 1, max: 65536 })),
      temperature: optional(fc.double({ min: 0, max: 2, noNaN: true }).map((value) => value + 0)),
      topP: optional(fc.double({ min: 0, max: 1, noNaN: true }).map((value) => value + 0)),
      topK: optional(fc.integer({ min: 1, max: 100 })),
      seed: optional(fc.integer()),
      stopSequences: optional(fc.array(text, { minLength: 1, maxLength: 4 })),
      presencePenalty: optional(fc.double({ min: -2, max: 2, noNaN: true }).map((value) => value + 0)),
      frequencyPenalty: optional(fc.double({ min: -2, max: 2, noNaN: true }).map((value) => value + 0)),
      n: optional(fc.integer({ min: 1, max: 8 })),
      responseFormat: optional(
        fc.oneof(
          fc.constant({ type: 'text' as const }),
          fc.constant({ type: 'json' as const }),
          toolsArbitrary.map((tools) => ({ type: 'json-schema' as const, name: 'response', schema: tools[0]?.parameters ?? {} })),
        ),
      ),
      reasoning: reasoningFor(model.includes('gemini-3')),
      logprobs: optional(fc.oneof(fc.constant({}), fc.integer({ min: 0, max: 20 }).map((topLogprobs) => ({ topLogprobs })))),
    })
    .map(({ system, exchanges, withFinalUser, tools, choice, ...options }) => {
      const firstTool = tools[0]?.name ?? 'f';
      const choices: Array<ToolChoice | undefined> = [undefined, { type: 'auto' }, { type: 'none' }, { type: 'required' }, { type: 'tool', name: firstTool }, undefined];
      const toolChoice = choices[choice];
      return clean<CanonicalRequest>({ model, messages: conversation(system, exchanges, tools, withFinalUser), tools, toolChoice, ...options });
    });
}

describe('gemini properties: requests', () => {
  for (const model of ['gemini-3-pro-preview', 'gemini-2.5-flash']) {
    it(`canonical → Gemini → canonical is the identity for expressible requests (${model})`, () => {
      fc.assert(
        fc.property(requestArbitrary(model), (request) => {
          const wire = clean(geminiCodec.encodeRequest(request, model));
          assert.deepEqual(geminiCodec.decodeRequest(wire, { model, stream: request.stream }), request);
        }),
        runs,
      );
    });
  }
});

const assistantPart: fc.Arbitrary<AssistantContentPart> = fc.oneof(
  fc.record({ text, thoughtSignature: optional(signature) }).map((value) => clean<AssistantContentPart>({ type: 'text', ...value })),
  fc.record({ text, signature: optional(signature) }).map((value) => clean<AssistantContentPart>({ type: 'reasoning', origin: 'gemini', ...value })),
  fc.record({ name: identifier, arguments: argumentsText, thoughtSignature: optional(signature) }).map((value) => clean<AssistantContentPart>({ type: 'tool-call', id: '', ...value })),
);

const responseArbitrary: fc.Arbitrary<CanonicalResponse> = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9_-]{4,24}$/),
    model: identifier,
    created: fc.integer({ min: 0, max: 4_000_000_000 }),
    content: fc.array(assistantPart, { minLength: 1, maxLength: 6 }),
    finishReason: fc.constantFrom<FinishReason>('stop', 'length', 'content-filter', 'other'),
    input: fc.nat(1_000_000),
    cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    output: fc.nat(100_000),
    reasoningShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ content, finishReason, input, cachedShare, output, reasoningShare, ...rest }) => {
    let calls = 0;
    const numbered = content.map((part) => (part.type === 'tool-call' ? { ...part, id: `call_${calls++}` } : part));
    return {
      ...rest,
      content: numbered,
      finishReason: finishReason === 'stop' && calls > 0 ? 'tool-calls' : finishReason,
      usage: {
        inputTokens: input,
        cachedInputTokens: Math.floor(input * cachedShare),
        outputTokens: output,
        reasoningTokens: Math.floor(output * reasoningShare),
        cacheWriteTokens: 0,
      },
    };
  });

describe('gemini properties: responses', () => {
  it('canonical → Gemini → canonical is the identity for expressible responses', () => {
    fc.assert(
      fc.property(responseArbitrary, (response) => {
        const wire = clean(geminiCodec.encodeResponse(response, { requestId: 'req', model: response.model }) as object);
        assert.deepEqual(geminiCodec.decodeResponse(wire), response);
      }),
      runs,
    );
  });
});

/** Splits text into pieces at the given cut points, as a provider would stream it. */
function pieces(value: string, size: number): string[] {
  const result: string[] = [];
  for (let index = 0; index < value.length; index += size) result.push(value.slice(index, index + size));
  return result.length > 0 ? result : [''];
}

function toStreamParts(response: CanonicalResponse, size: number, signatureAtEnd: boolean): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'response-start', id: response.id, model: response.model, created: response.created }];
  response.content.forEach((part, block) => {
    if (part.type === 'text') {
      const startSignature = signatureAtEnd ? undefined : part.thoughtSignature;
      const endSignature = signatureAtEnd ? part.thoughtSignature : undefined;
      parts.push(clean({ type: 'text-start', block, thoughtSignature: startSignature }));
      for (const piece of pieces(part.text, size)) parts.push({ type: 'text-delta', block, text: piece });
      parts.push(clean({ type: 'text-end', block, thoughtSignature: endSignature }));
    } else if (part.type === 'reasoning') {
      parts.push({ type: 'reasoning-start', block, origin: 'gemini' });
      for (const piece of pieces(part.text, size)) parts.push({ type: 'reasoning-delta', block, text: piece });
      parts.push(clean({ type: 'reasoning-end', block, signature: part.signature }));
    } else if (part.type === 'tool-call') {
      parts.push(clean({ type: 'tool-call-start', block, id: part.id, name: part.name, thoughtSignature: part.thoughtSignature }));
      for (const piece of pieces(part.arguments, size)) parts.push({ type: 'tool-call-delta', block, argumentsDelta: piece });
      parts.push({ type: 'tool-call-end', block });
    }
  });
  parts.push({ type: 'usage', usage: response.usage });
  parts.push({ type: 'finish', finishReason: response.finishReason, usage: response.usage });
  return parts;
}

/** A Gemini stream has no boundary between two text (or two thought) parts in a row. */
function withoutAdjacentSameKind(content: AssistantContentPart[]): AssistantContentPart[] {
  return content.filter((part, index) => part.type === 'tool-call' || content[index - 1]?.type !== part.type);
}

describe('gemini properties: streams', () => {
  it('canonical stream → Gemini SSE / JSON array → canonical keeps text, reasoning, calls, signatures, usage and finish', () => {
    fc.assert(
      fc.property(responseArbitrary, fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.boolean(), (generated, size, signatureAtEnd, jsonArrayStream) => {
        const response = { ...generated, content: withoutAdjacentSameKind(generated.content) };
        const encoder = geminiCodec.createStreamEncoder({ requestId: 'req', model: response.model, jsonArrayStream });
        const wire = toStreamParts(response, size, signatureAtEnd).map((part) => encoder.encode(part)).join('') + encoder.end();
        const events = jsonArrayStream ? eventsForStreamFile('body.json', wire) : sseEvents(wire);
        assert.deepEqual(accumulateStream(decodeStreamEvents(events)), {
          id: response.id,
          model: response.model,
          content: response.content,
          finishReason: response.finishReason,
          usage: response.usage,
          errors: [],
        });
      }),
      runs,
    );
  });
});
