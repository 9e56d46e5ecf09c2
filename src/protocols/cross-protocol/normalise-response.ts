import type { AssistantContentPart, CanonicalResponse, FinishReason, ProtocolName, ReasoningPart } from '../../canonical/types.js';
import { ANY_NUMBER, ANY_STRING, applyTransforms, type Transform, type TransformLabel } from './normalise.js';

/**
 * What each protocol does to a canonical response on the way provider → canonical → client: once
 * as a complete body, once as a stream (where block boundaries follow the protocol's framing). The
 * finish-reason tables restate the codec READMEs.
 */
type ResponseTransform = Transform<CanonicalResponse>;

export function normaliseResponse(protocol: ProtocolName, response: CanonicalResponse): CanonicalResponse {
  return applyTransforms(response, RESPONSE_TRANSFORMS[protocol]);
}

export function normaliseStream(protocol: ProtocolName, response: CanonicalResponse): CanonicalResponse {
  return applyTransforms(response, STREAM_TRANSFORMS[protocol]);
}

const t = (features: TransformLabel | readonly TransformLabel[], why: string, apply: ResponseTransform['apply']): ResponseTransform => ({
  features: typeof features === 'string' ? [features] : features,
  why,
  apply,
});

const hasCalls = (response: CanonicalResponse): boolean => response.content.some((part) => part.type === 'tool-call');

function finish(table: (reason: FinishReason, calls: boolean) => FinishReason, why: string): ResponseTransform {
  return t('finish', why, (response) => {
    response.finishReason = table(response.finishReason, hasCalls(response));
  });
}

// --- finish-reason round trips -------------------------------------------------------------------

function chatFinish(reason: FinishReason, calls: boolean): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'content-filter' || reason === 'refusal') return 'content-filter';
  return reason === 'tool-calls' || calls ? 'tool-calls' : 'stop';
}

function responsesFinish(reason: FinishReason, calls: boolean): FinishReason {
  if (reason === 'length' || reason === 'content-filter' || reason === 'error') return reason;
  return calls ? 'tool-calls' : 'stop';
}

function anthropicFinish(reason: FinishReason, calls: boolean): FinishReason {
  switch (reason) {
    case 'stop':
    case 'error':
    case 'other':
      return calls ? 'tool-calls' : 'stop';
    case 'content-filter':
      return 'refusal';
    default:
      return reason;
  }
}

function geminiFinish(reason: FinishReason, calls: boolean): FinishReason {
  switch (reason) {
    case 'stop':
    case 'stop-sequence':
    case 'tool-calls':
      return calls ? 'tool-calls' : 'stop';
    case 'refusal':
      return 'content-filter';
    case 'pause':
    case 'error':
      return 'other';
    default:
      return reason;
  }
}

// --- ids, stop sequences, usage ------------------------------------------------------------------

function id(rule: (id: string) => string, why: string): ResponseTransform {
  return t('id', why, (response) => {
    response.id = rule(response.id);
  });
}

const chatId = (value: string): string => (value.startsWith('chatcmpl-') ? value : `chatcmpl-${value}`);
const responsesId = (value: string): string => (value.startsWith('resp_') ? value : `resp_${value.replace(/[^A-Za-z0-9_-]/g, '')}`);
const anthropicId = (value: string): string => (/^msg_[A-Za-z0-9_-]+$/.test(value) ? value : `msg_${value.replace(/[^A-Za-z0-9_-]/g, '')}`);

const dropStopSequence = t('stopSequence', 'the matched stop sequence has no field', (response) => {
  delete response.stopSequence;
});

const dropOneHourWrites = t('usage.cacheWrite1h', 'the 1-hour cache-write split has no field', (response) => {
  delete response.usage.cacheWrite1hTokens;
});

const stripSignatures = t('provider-state', 'Gemini thought signatures on text and calls are Gemini-bound', (response) => {
  for (const part of response.content) if (part.type === 'text' || part.type === 'tool-call') delete part.thoughtSignature;
});

const anyCreated = t('created', 'no creation time travels: the decoder uses the time it read the answer', (response) => {
  response.created = ANY_NUMBER;
});

// --- content -------------------------------------------------------------------------------------

function mapContent(response: CanonicalResponse, map: (part: AssistantContentPart) => AssistantContentPart | undefined): void {
  response.content = response.content.flatMap((part) => map(part) ?? []);
}

/** Readable reasoning of another provider is shown as that protocol's reasoning, without foreign state. */
function ownReasoning(part: ReasoningPart, origin: ReasoningPart['origin'], keep: (part: ReasoningPart) => ReasoningPart): ReasoningPart | undefined {
  if (part.origin === origin) return keep(part);
  return part.text === '' ? undefined : { type: 'reasoning', text: part.text, origin };
}

function join(parts: AssistantContentPart[], type: 'text' | 'refusal' | 'reasoning'): string {
  return parts.flatMap((part) => (part.type === type ? [part.text] : [])).join('');
}

/** Chat's message: reasoning_content, content, refusal (each joined), tool_calls. */
const chatMessage = t(['multiText', 'refusal', 'reasoning.foreign'], 'one choice message: reasoning_content, content and refusal are single strings', (response) => {
  const reasoning = join(response.content, 'reasoning');
  const text = join(response.content, 'text');
  const refusal = join(response.content, 'refusal');
  response.content = [
    ...(reasoning === '' ? [] : [{ type: 'reasoning' as const, text: reasoning, origin: 'openai' as const }]),
    ...(text === '' ? [] : [{ type: 'text' as const, text }]),
    ...(refusal === '' ? [] : [{ type: 'refusal' as const, text: refusal }]),
    ...response.content.filter((part) => part.type === 'tool-call'),
  ];
});

/**
 * Chat streams have no block boundaries: adjacent texts, adjacent reasoning and adjacent refusals
 * each read as one block; tool calls stay apart. Reasoning is DeepSeek's `reasoning_content`.
 */
const chatStreamBlocks = t(['multiText', 'refusal', 'reasoning.foreign'], 'stream deltas carry no block boundaries: adjacent parts of one kind join', (response) => {
  const blocks: AssistantContentPart[] = [];
  for (const part of response.content) {
    if (part.type === 'reasoning' && part.text === '') continue;
    const joined: AssistantContentPart = part.type === 'reasoning' ? { type: 'reasoning', text: part.text, origin: 'openai' } : part;
    const last = blocks[blocks.length - 1];
    if (joined.type !== 'tool-call' && last !== undefined && last.type === joined.type) last.text += joined.text;
    else blocks.push(joined);
  }
  response.content = blocks;
});

const responsesContent = t('reasoning.foreign', 'readable reasoning of any provider becomes a summary of a reasoning item the encoder mints', (response) => {
  mapContent(response, (part) => {
    if (part.type !== 'reasoning') return part;
    // OpenAI's own item keeps its id; an item without one gets a minted id.
    if (part.origin === 'openai') return part.text === '' && part.encryptedContent === undefined ? undefined : { ...part, itemId: part.itemId ?? ANY_STRING };
    return part.text === '' ? undefined : { type: 'reasoning', text: part.text, origin: 'openai', itemId: ANY_STRING };
  });
});

const anthropicContent = t(['refusal', 'reasoning.foreign'], 'a refusal is text; another provider\'s readable reasoning is unsigned thinking', (response) => {
  mapContent(response, (part) => {
    if (part.type === 'refusal') return { type: 'text', text: part.text };
    if (part.type !== 'reasoning') return part;
    return ownReasoning(part, 'anthropic', (own) => {
      if (own.redactedData !== undefined) return { type: 'reasoning', text: '', origin: 'anthropic', redactedData: own.redactedData };
      return { type: 'reasoning', text: own.text, origin: 'anthropic', ...(own.signature !== undefined && own.signature !== '' && { signature: own.signature }) };
    });
  });
});

const geminiContent = t(['refusal', 'reasoning.foreign'], 'a refusal is text; reasoning is a thought, signed only when Gemini made it', (response) => {
  mapContent(response, (part) => {
    if (part.type === 'refusal') return { type: 'text', text: part.text };
    if (part.type !== 'reasoning') return part;
    return ownReasoning(part, 'gemini', (own) =>
      own.text === '' && own.signature === undefined ? own : { type: 'reasoning', text: own.text, origin: 'gemini', ...(own.signature !== undefined && { signature: own.signature }) },
    );
  });
  response.content = response.content.filter((part) => part.type !== 'reasoning' || part.text !== '' || part.signature !== undefined);
});

/** Gemini streams have no block boundaries: adjacent text (and refusal) parts are one text, adjacent thoughts one thought. */
const geminiStreamBlocks = t('multiText', 'stream chunks carry parts, not blocks: adjacent texts and adjacent thoughts join', (response) => {
  const blocks: AssistantContentPart[] = [];
  for (const part of response.content) {
    const last = blocks[blocks.length - 1];
    if (part.type === 'text' && last?.type === 'text') {
      last.text += part.text;
      if (part.thoughtSignature !== undefined) last.thoughtSignature = part.thoughtSignature;
    }
    else if (part.type === 'reasoning' && last?.type === 'reasoning') {
      last.text += part.text;
      if (part.signature !== undefined) last.signature = part.signature;
    } else blocks.push(part);
  }
  response.content = blocks;
});

const geminiUsage = t('usage.cacheWrite', 'Gemini has no cache-write count (those tokens stay inside promptTokenCount)', (response) => {
  response.usage.cacheWriteTokens = 0;
  delete response.usage.cacheWrite1hTokens;
});

const OPENAI_CHAT_COMMON: ResponseTransform[] = [id(chatId, 'chatcmpl- ids'), dropStopSequence, dropOneHourWrites, stripSignatures];
const chatReasonTable = finish(chatFinish, 'stop, length, tool_calls (decided by content), content_filter');

const RESPONSE_TRANSFORMS: Readonly<Record<ProtocolName, readonly ResponseTransform[]>> = {
  'openai-chat': [...OPENAI_CHAT_COMMON, chatMessage, chatReasonTable],
  'openai-responses': [id(responsesId, 'resp_ ids'), dropStopSequence, dropOneHourWrites, stripSignatures, responsesContent, finish(responsesFinish, 'completed (tool calls by content), incomplete, failed')],
  'anthropic-messages': [id(anthropicId, 'msg_ ids'), anyCreated, stripSignatures, anthropicContent, finish(anthropicFinish, 'stop_reason')],
  gemini: [dropStopSequence, geminiUsage, geminiContent, finish(geminiFinish, 'STOP (tool calls by content), MAX_TOKENS, SAFETY, OTHER')],
};

const STREAM_TRANSFORMS: Readonly<Record<ProtocolName, readonly ResponseTransform[]>> = {
  'openai-chat': [...OPENAI_CHAT_COMMON, chatStreamBlocks, chatReasonTable],
  'openai-responses': RESPONSE_TRANSFORMS['openai-responses'],
  'anthropic-messages': RESPONSE_TRANSFORMS['anthropic-messages'],
  gemini: [dropStopSequence, geminiUsage, anyCreated, geminiContent, geminiStreamBlocks, finish(geminiFinish, 'STOP (tool calls by content), MAX_TOKENS, SAFETY, OTHER')],
};

export { RESPONSE_TRANSFORMS, STREAM_TRANSFORMS };
