import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import type {
  AssistantContentPart,
  CanonicalMessage,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalUsage,
  FinishReason,
  ImagePart,
  ProtocolName,
  ProviderOrigin,
  ReasoningPart,
  ResponseFormat,
  StreamPart,
  TextPart,
  ToolCallPart,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { CAPABILITIES, pairSupport, type PairSupport } from './capabilities.js';

/**
 * Generators of canonical requests, responses and streams restricted to what both protocols of a pair
 * carry (`pairSupport`). Structural rules every protocol needs are built in: tool results answer the
 * calls of the assistant turn before them (one each, in order, with the call's name), ids use only
 * `[A-Za-z0-9_-]` (Anthropic's alphabet), text is never empty (every codec drops empty text), tool
 * arguments are compact JSON objects (Anthropic and Gemini re-serialise them), a conversation ends on a
 * user or tool turn, and a tool choice comes with tools.
 *
 * Provider-bound state (reasoning signatures, encrypted reasoning, Gemini thought signatures) is
 * generated for whichever protocol of the pair owns it: the other must drop it (PROTOCOLS.md trap 10).
 */

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const text = fc.string({ minLength: 1, maxLength: 12 });
const base64 = fc.uint8Array({ minLength: 1, maxLength: 18 }).map((bytes) => Buffer.from(bytes).toString('base64'));
const argumentsText = fc
  .dictionary(word, fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3, noNullPrototype: true })
  .map((value) => JSON.stringify(value));
const hundredths = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: Math.round(max * 100) }).map((value) => value / 100);
const maybe = <T>(enabled: boolean, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  enabled ? fc.option(arbitrary, { nil: undefined }) : fc.constant(undefined);

/** The origins whose provider-bound state a pair may replay: the ones a protocol of the pair owns. */
const OWNED_ORIGIN: Partial<Record<ProtocolName, ProviderOrigin>> = { 'openai-responses': 'openai', 'anthropic-messages': 'anthropic', gemini: 'gemini' };

function ownedOrigins(protocols: readonly ProtocolName[]): ProviderOrigin[] {
  return protocols.flatMap((protocol) => {
    const origin = OWNED_ORIGIN[protocol];
    return origin !== undefined && CAPABILITIES[protocol].request['reasoning.replay'] === 'exact' ? [origin] : [];
  });
}

/** Reasoning as its owner's decoder produces it. */
function ownReasoning(origin: ProviderOrigin): fc.Arbitrary<ReasoningPart> {
  switch (origin) {
    case 'openai':
      return fc.record({ text: fc.oneof(text, fc.constant('')), itemId: word.map((id) => `rs_${id}`), encryptedContent: base64 }).map((fields) => ({ type: 'reasoning', origin, ...fields }));
    case 'anthropic':
      return fc.oneof(
        fc.record({ text, signature: base64 }).map((fields): ReasoningPart => ({ type: 'reasoning', origin, ...fields })),
        base64.map((redactedData): ReasoningPart => ({ type: 'reasoning', text: '', origin, redactedData })),
      );
    case 'gemini':
      return fc.record({ text, signature: base64 }, { requiredKeys: ['text'] }).map((fields): ReasoningPart => ({ type: 'reasoning', origin, ...fields }));
  }
}

// --- requests ------------------------------------------------------------------------------------

function imagePart(support: PairSupport): fc.Arbitrary<ImagePart> {
  const sources: Array<fc.Arbitrary<ImagePart['source']>> = [];
  if (support.request('image.base64')) {
    sources.push(fc.record({ kind: fc.constant('base64' as const), mediaType: fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp'), data: base64 }));
  }
  if (support.request('image.url')) {
    sources.push(fc.tuple(word, fc.constantFrom('png', 'jpg', 'gif', 'webp')).map(([name, extension]) => ({ kind: 'url' as const, url: `https://img.example.com/${name}.${extension}` })));
  }
  if (support.request('image.file')) sources.push(word.map((name) => ({ kind: 'file' as const, fileId: `files/${name}.png` })));
  return fc
    .record({ source: fc.oneof(...sources), detail: maybe(support.request('image.detail'), fc.constantFrom('auto' as const, 'low' as const, 'high' as const)) })
    .map(({ source, detail }) => (detail === undefined ? { type: 'image', source } : { type: 'image', source, detail }));
}

function documentPart(support: PairSupport): fc.Arbitrary<UserContentPart> | undefined {
  const sources: Array<fc.Arbitrary<Extract<UserContentPart, { type: 'document' }>['source']>> = [];
  if (support.request('document.pdf')) sources.push(base64.map((data) => ({ kind: 'base64' as const, mediaType: 'application/pdf', data })));
  if (support.request('document.text')) sources.push(text.map((value) => ({ kind: 'base64' as const, mediaType: 'text/plain', data: Buffer.from(value).toString('base64') })));
  if (support.request('document.url')) sources.push(word.map((name) => ({ kind: 'url' as const, url: `https://docs.example.com/${name}.pdf` })));
  if (support.request('document.file')) sources.push(word.map((name) => ({ kind: 'file' as const, fileId: `files/${name}.pdf` })));
  if (sources.length === 0) return undefined;
  return fc
    .record({ source: fc.oneof(...sources), title: maybe(support.request('document.title'), word.map((name) => `${name}.pdf`)) })
    .map(({ source, title }) => (title === undefined ? { type: 'document', source } : { type: 'document', source, title }));
}

function userContent(support: PairSupport): fc.Arbitrary<UserContentPart[]> {
  const textPart = text.map((value): UserContentPart => ({ type: 'text', text: value }));
  const document = documentPart(support);
  const options: Array<fc.WeightedArbitrary<UserContentPart>> = [{ weight: 4, arbitrary: textPart }, { weight: 1, arbitrary: imagePart(support) }];
  if (document !== undefined) options.push({ weight: 1, arbitrary: document });
  return fc.array(fc.oneof(...options), { minLength: 1, maxLength: 3 });
}

interface AssistantTurn {
  state: ReasoningPart | undefined;
  body: Array<{ kind: 'text' | 'refusal'; text: string; signature?: string | undefined } | { kind: 'call'; name: string; arguments: string; signature?: string | undefined }>;
  results: Array<{ texts: string[]; image: ImagePart | undefined; isError: boolean | undefined }>;
  second: string[] | undefined;
  system: string[] | undefined;
  user: UserContentPart[] | undefined;
  extraUser: UserContentPart[] | undefined;
}

function assistantTurn(support: PairSupport, origins: ProviderOrigin[]): fc.Arbitrary<AssistantTurn> {
  const signs = origins.includes('gemini');
  const signature = maybe(signs, base64);
  const bodyPart = fc.oneof(
    fc.record({ kind: fc.constant('text' as const), text, signature }),
    ...(support.request('assistant.refusal') ? [fc.record({ kind: fc.constant('refusal' as const), text })] : []),
    fc.record({ kind: fc.constant('call' as const), name: word, arguments: argumentsText, signature }),
  );
  const resultTexts = support.request('toolResult.multiText')
    ? fc.array(text, { minLength: support.request('toolResult.empty') ? 0 : 1, maxLength: 3 })
    : support.request('toolResult.empty')
      ? fc.array(text, { maxLength: 1 })
      : text.map((value) => [value]);
  const result = fc.record({
    texts: resultTexts,
    image: maybe(support.request('toolResult.image'), imagePart(support)),
    isError: maybe(support.request('toolResult.isError'), fc.boolean()),
  });
  return fc.record({
    state: origins.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...origins).chain(ownReasoning), { nil: undefined }),
    body: fc.array(bodyPart, { minLength: 1, maxLength: 4 }),
    results: fc.array(result, { minLength: 4, maxLength: 4 }),
    second: maybe(support.request('turns.consecutiveAssistant'), fc.array(text, { minLength: 1, maxLength: 2 })),
    system: maybe(support.request('system.anywhere'), fc.array(text, { minLength: 1, maxLength: 2 })),
    user: fc.option(userContent(support), { nil: undefined }),
    extraUser: maybe(support.request('turns.consecutiveUser'), userContent(support)),
  });
}

/** A conversation: system, a user turn, then rounds of assistant (+ results) (+ user), ending on a user-side turn. */
function conversation(support: PairSupport, origins: ProviderOrigin[]): fc.Arbitrary<CanonicalMessage[]> {
  return fc
    .record({
      system: maybe(support.request('system.leading'), fc.array(text, { minLength: 1, maxLength: 2 })),
      first: userContent(support),
      rounds: fc.array(assistantTurn(support, origins), { maxLength: 3 }),
    })
    .map(({ system, first, rounds }) => {
      const messages: CanonicalMessage[] = [];
      const texts = (values: string[]): TextPart[] => values.map((value) => ({ type: 'text', text: value }));
      if (system !== undefined) messages.push({ role: 'system', content: texts(system) });
      messages.push({ role: 'user', content: first });
      rounds.forEach((round, roundIndex) => {
        if (round.system !== undefined) messages.push({ role: 'system', content: texts(round.system) });
        const calls: ToolCallPart[] = [];
        const content: AssistantContentPart[] = round.state === undefined ? [] : [round.state];
        round.body.forEach((part, index) => {
          if (part.kind === 'call') {
            const call: ToolCallPart = { type: 'tool-call', id: `call_${roundIndex}_${index}`, name: part.name, arguments: part.arguments };
            if (part.signature !== undefined) call.thoughtSignature = part.signature;
            calls.push(call);
            content.push(call);
          } else if (part.kind === 'refusal') content.push({ type: 'refusal', text: part.text });
          else content.push(part.signature === undefined ? { type: 'text', text: part.text } : { type: 'text', text: part.text, thoughtSignature: part.signature });
        });
        messages.push({ role: 'assistant', content });
        if (round.second !== undefined) messages.push({ role: 'assistant', content: texts(round.second) });
        if (calls.length > 0) {
          const results = calls.map((call, index): ToolResultPart => {
            const shape = round.results[index] ?? { texts: ['ok'], image: undefined, isError: undefined };
            const part: ToolResultPart = { type: 'tool-result', toolCallId: call.id, toolName: call.name, content: [...texts(shape.texts), ...(shape.image === undefined ? [] : [shape.image])] };
            if (shape.isError !== undefined) part.isError = shape.isError;
            return part;
          });
          messages.push({ role: 'tool', content: results });
        }
        if (round.user !== undefined || calls.length === 0) messages.push({ role: 'user', content: round.user ?? [{ type: 'text', text: 'go on' }] });
        if (round.extraUser !== undefined) messages.push({ role: 'user', content: round.extraUser });
      });
      return messages;
    });
}

function tools(support: PairSupport): fc.Arbitrary<ToolDefinition[]> {
  return fc.uniqueArray(word, { minLength: 1, maxLength: 3 }).chain((names) =>
    fc.tuple(
      ...names.map((name) =>
        fc
          .record({ description: fc.option(text, { nil: undefined }), strict: maybe(support.request('tools.strict'), fc.boolean()), property: word })
          .map(({ description, strict, property }): ToolDefinition => ({
            name,
            parameters: { type: 'object', properties: { [property]: { type: 'string' } } },
            ...(description !== undefined && { description }),
            ...(strict !== undefined && { strict }),
          })),
      ),
    ),
  );
}

function responseFormat(support: PairSupport): fc.Arbitrary<ResponseFormat | undefined> {
  const formats: Array<fc.Arbitrary<ResponseFormat>> = [];
  if (support.request('responseFormat.text')) formats.push(fc.constant({ type: 'text' }));
  if (support.request('responseFormat.json')) formats.push(fc.constant({ type: 'json' }));
  if (support.request('responseFormat.jsonSchema')) {
    formats.push(
      fc
        .record({ name: word, strict: fc.option(fc.boolean(), { nil: undefined }), description: fc.option(text, { nil: undefined }), property: word })
        .map(({ name, strict, description, property }): ResponseFormat => ({
          type: 'json-schema',
          name,
          schema: { type: 'object', properties: { [property]: { type: 'integer' } } },
          ...(strict !== undefined && { strict }),
          ...(description !== undefined && { description }),
        })),
    );
  }
  return formats.length === 0 ? fc.constant(undefined) : fc.option(fc.oneof(...formats), { nil: undefined });
}

export function requestArbitrary(protocols: readonly ProtocolName[]): fc.Arbitrary<CanonicalRequest> {
  const support = pairSupport(protocols);
  const can = (feature: Parameters<PairSupport['request']>[0]): boolean => support.request(feature);
  return fc
    .record({
      messages: conversation(support, ownedOrigins(protocols)),
      tools: fc.option(tools(support), { nil: undefined }),
      toolChoice: maybe(can('toolChoice'), fc.constantFrom('auto', 'none', 'required', 'tool')),
      parallelToolCalls: maybe(can('parallelToolCalls'), fc.boolean()),
      maxOutputTokens: maybe(can('maxOutputTokens'), fc.integer({ min: 1, max: support.maxOutputTokens })),
      temperature: maybe(can('temperature'), hundredths(support.temperatureMax)),
      topP: maybe(can('topP'), hundredths(1)),
      topK: maybe(can('topK'), fc.integer({ min: 1, max: 100 })),
      seed: maybe(can('seed'), fc.integer()),
      stopSequences: maybe(can('stopSequences'), fc.array(text, { minLength: 1, maxLength: 3 })),
      presencePenalty: maybe(can('penalties'), hundredths(2)),
      frequencyPenalty: maybe(can('penalties'), hundredths(2)),
      responseFormat: responseFormat(support),
      effort: maybe(can('reasoning.effort'), fc.constantFrom('none' as const, 'minimal' as const, 'low' as const, 'medium' as const, 'high' as const, 'xhigh' as const)),
      budgetTokens: maybe(can('reasoning.budget'), fc.integer({ min: 1024, max: 32_000 })),
      includeThoughts: maybe(can('reasoning.includeThoughts'), fc.boolean()),
      n: maybe(can('n'), fc.integer({ min: 1, max: 4 })),
      logprobs: maybe(can('logprobs'), fc.record({ topLogprobs: fc.integer({ min: 0, max: 5 }) }, { requiredKeys: [], noNullPrototype: true })),
      user: maybe(can('user'), word),
      stream: fc.boolean(),
    })
    .map((fields) => {
      const request: CanonicalRequest = { model: 'client-model', messages: fields.messages, stream: fields.stream };
      if (fields.tools !== undefined) {
        request.tools = fields.tools;
        const choice = fields.toolChoice;
        if (choice !== undefined) request.toolChoice = choice === 'tool' ? { type: 'tool', name: fields.tools[0]?.name ?? '' } : { type: choice as 'auto' | 'none' | 'required' };
        if (fields.parallelToolCalls !== undefined) request.parallelToolCalls = fields.parallelToolCalls;
      }
      const copy = ['temperature', 'topP', 'topK', 'seed', 'stopSequences', 'presencePenalty', 'frequencyPenalty', 'responseFormat', 'n', 'logprobs', 'user'] as const;
      for (const key of copy) if (fields[key] !== undefined) Object.assign(request, { [key]: fields[key] });
      const reasoning = { ...(fields.effort !== undefined && { effort: fields.effort }), ...(fields.budgetTokens !== undefined && { budgetTokens: fields.budgetTokens }), ...(fields.includeThoughts !== undefined && { includeThoughts: fields.includeThoughts }) };
      if (Object.keys(reasoning).length > 0) request.reasoning = reasoning;
      if (fields.maxOutputTokens !== undefined) {
        // A thinking budget stays below the output limit (Anthropic's rule, and sense everywhere).
        request.maxOutputTokens = fields.budgetTokens === undefined ? fields.maxOutputTokens : Math.max(fields.maxOutputTokens, fields.budgetTokens + 1);
      }
      return request;
    });
}

// --- responses and streams -----------------------------------------------------------------------

function readableReasoning(origins: ProviderOrigin[]): fc.Arbitrary<ReasoningPart> {
  const foreign = fc.record({ text, origin: fc.constantFrom<ProviderOrigin>('openai', 'anthropic', 'gemini') }).map(({ text: value, origin }): ReasoningPart => ({ type: 'reasoning', text: value, origin }));
  return origins.length === 0 ? foreign : fc.oneof(foreign, fc.constantFrom(...origins).chain(ownReasoning));
}

function usage(support: PairSupport): fc.Arbitrary<CanonicalUsage> {
  return fc
    .record({ uncached: fc.nat(5000), cached: fc.nat(5000), written: support.response('usage.cacheWrite') ? fc.nat(5000) : fc.constant(0), answer: fc.nat(5000), reasoning: fc.nat(5000) })
    .map(({ uncached, cached, written, answer, reasoning }) => ({
      inputTokens: uncached + cached + written,
      outputTokens: answer + reasoning,
      cachedInputTokens: cached,
      cacheWriteTokens: written,
      reasoningTokens: reasoning,
    }));
}

const FINISH_REASONS: FinishReason[] = ['stop', 'stop-sequence', 'length', 'tool-calls', 'content-filter', 'refusal', 'pause', 'error', 'other'];

export function responseArbitrary(protocols: readonly ProtocolName[], options: { stream: boolean }): fc.Arbitrary<CanonicalResponse> {
  const support = pairSupport(protocols);
  const origins = ownedOrigins(protocols);
  const signature = maybe(origins.includes('gemini'), base64);
  const part: fc.Arbitrary<AssistantContentPart> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ text, signature }).map(({ text: value, signature: sig }): AssistantContentPart => (sig === undefined ? { type: 'text', text: value } : { type: 'text', text: value, thoughtSignature: sig })) },
    { weight: support.response('refusal') ? 1 : 0, arbitrary: text.map((value): AssistantContentPart => ({ type: 'refusal', text: value })) },
    { weight: 1, arbitrary: readableReasoning(origins) },
    {
      weight: 2,
      arbitrary: fc.record({ name: word, arguments: argumentsText, signature }).map(({ name, arguments: args, signature: sig }): AssistantContentPart => ({ type: 'tool-call', id: '', name, arguments: args, ...(sig !== undefined && { thoughtSignature: sig }) })),
    },
  );
  const reasons = options.stream ? FINISH_REASONS.filter((reason) => reason !== 'error') : FINISH_REASONS;
  return fc
    .record({
      id: fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
      created: fc.integer({ min: 1_000_000_000, max: 2_000_000_000 }),
      content: fc.array(part, { maxLength: 5 }),
      finishReason: fc.constantFrom(...reasons),
      usage: usage(support),
    })
    .map(({ id, created, content, finishReason, usage: counts }) => ({
      id,
      model: 'client-model',
      created,
      // Tool-call and reasoning-item ids are unique in a response, as every provider makes them.
      content: content.map((item, index) =>
        item.type === 'tool-call' ? { ...item, id: `call_${index}` } : item.type === 'reasoning' && item.itemId !== undefined ? { ...item, itemId: `${item.itemId}_${index}` } : item,
      ),
      finishReason,
      usage: counts,
    }));
}

/** The stream a provider decoder would produce for a response: one block per part, in fragments. */
export function streamParts(response: CanonicalResponse, fragment: number): StreamPart[] {
  const pieces = (value: string): string[] => {
    const result: string[] = [];
    for (let offset = 0; offset < value.length; offset += fragment) result.push(value.slice(offset, offset + fragment));
    return result;
  };
  const parts: StreamPart[] = [{ type: 'response-start', id: response.id, model: response.model, created: response.created }];
  response.content.forEach((part, block) => {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text-start', block, ...(part.thoughtSignature !== undefined && { thoughtSignature: part.thoughtSignature }) });
        for (const piece of pieces(part.text)) parts.push({ type: 'text-delta', block, text: piece });
        parts.push({ type: 'text-end', block });
        return;
      case 'refusal':
        for (const piece of pieces(part.text)) parts.push({ type: 'refusal-delta', block, text: piece });
        return;
      case 'reasoning': {
        parts.push({ type: 'reasoning-start', block, origin: part.origin, ...(part.itemId !== undefined && { itemId: part.itemId }) });
        for (const piece of pieces(part.text)) parts.push({ type: 'reasoning-delta', block, text: piece });
        const end: StreamPart = { type: 'reasoning-end', block };
        if (part.signature !== undefined) end.signature = part.signature;
        if (part.redactedData !== undefined) end.redactedData = part.redactedData;
        if (part.encryptedContent !== undefined) end.encryptedContent = part.encryptedContent;
        parts.push(end);
        return;
      }
      case 'tool-call':
        parts.push({ type: 'tool-call-start', block, id: part.id, name: part.name, ...(part.thoughtSignature !== undefined && { thoughtSignature: part.thoughtSignature }) });
        for (const piece of pieces(part.arguments)) parts.push({ type: 'tool-call-delta', block, argumentsDelta: piece });
        parts.push({ type: 'tool-call-end', block });
        return;
    }
  });
  parts.push({ type: 'finish', finishReason: response.finishReason, usage: response.usage });
  return parts;
}
