import type { ProtocolName } from '../../canonical/types.js';

/**
 * What each protocol can carry of the canonical model, as data. Every canonical feature gets one of:
 *
 * - `exact`: `decode(encode(x))` gives `x` back unchanged;
 * - `normalised`: it comes back in an equivalent form, by a transform `normalise.ts` states by name;
 * - `rewritten`: it is carried in another documented shape that does not decode back to the same
 *   canonical form (Chat moves tool-result images into a user message);
 * - `dropped`: a hint with no field in the protocol that changes nothing the caller relies on
 *   (the codec's README lists it);
 * - `refused`: the encoder throws a 400 (`unsupported_feature` or `invalid_request`) naming the field.
 *
 * The cross-protocol generators use a feature for a pair (A, B) only when both carry it (`exact` or
 * `normalised`); `refusals.test.ts` checks every `refused` and `dropped` entry against the codec.
 * Facts that depend on the upstream model are stated for the model in `model`.
 */
export type Carriage = 'exact' | 'normalised' | 'rewritten' | 'dropped' | 'refused';

export const REQUEST_FEATURES = [
  /** One leading system message. */
  'system.leading',
  /** System messages after the first turn, or several of them. */
  'system.anywhere',
  /** Two user messages in a row. */
  'turns.consecutiveUser',
  /** Two assistant messages in a row. */
  'turns.consecutiveAssistant',
  /** Two tool messages in a row (every protocol merges them). */
  'turns.consecutiveTool',
  /** Tools, and a tool choice beside them. */
  'tools',
  'image.base64',
  'image.url',
  /** A provider file id (Gemini `files/…` names). */
  'image.file',
  /** OpenAI's resolution hint. */
  'image.detail',
  'document.pdf',
  'document.text',
  'document.url',
  'document.file',
  'document.title',
  'cacheControl',
  'assistant.refusal',
  /** Text after a tool call, or a refusal before text, inside one assistant message. */
  'assistant.anyOrder',
  /** Reasoning (and signatures) the protocol itself produced, replayed in the history. */
  'reasoning.replay',
  'toolResult.multiText',
  'toolResult.empty',
  'toolResult.image',
  'toolResult.isError',
  'tools.strict',
  'toolChoice',
  'parallelToolCalls',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'stopSequences',
  'penalties',
  'responseFormat.text',
  'responseFormat.json',
  'responseFormat.jsonSchema',
  'reasoning.effort',
  'reasoning.budget',
  'reasoning.includeThoughts',
  /** More than one choice. */
  'n',
  'logprobs',
  'user',
  'metadata',
] as const;
export type RequestFeature = (typeof REQUEST_FEATURES)[number];

export const RESPONSE_FEATURES = [
  /** Several text parts (Chat joins them). */
  'multiText',
  'refusal',
  /** Readable reasoning from another provider (shown, never replayable). */
  'reasoning.foreign',
  /** The protocol's own reasoning state (signatures, encrypted content). */
  'reasoning.own',
  /** The matched stop sequence. */
  'stopSequence',
  'usage.cacheWrite',
  'usage.cacheWrite1h',
  /** A creation time that survives (Anthropic has none; Gemini streams send none). */
  'created',
] as const;
export type ResponseFeature = (typeof RESPONSE_FEATURES)[number];

export interface ProtocolCapabilities {
  /** The upstream model the requests are encoded for. */
  model: string;
  request: Readonly<Record<RequestFeature, Carriage>>;
  response: Readonly<Record<ResponseFeature, Carriage>>;
  /** Ranges the protocol accepts (a generator for a pair stays inside both). */
  limits: { temperatureMax: number; maxOutputTokens: number };
}

const OPENAI_CHAT: ProtocolCapabilities = {
  model: 'gpt-5-mini',
  request: {
    'system.leading': 'exact',
    'system.anywhere': 'exact',
    'turns.consecutiveUser': 'exact',
    'turns.consecutiveAssistant': 'exact',
    'turns.consecutiveTool': 'normalised',
    tools: 'normalised',
    'image.base64': 'exact',
    'image.url': 'normalised',
    'image.file': 'refused',
    'image.detail': 'exact',
    'document.pdf': 'exact',
    'document.text': 'exact',
    'document.url': 'refused',
    'document.file': 'normalised',
    'document.title': 'normalised',
    cacheControl: 'dropped',
    'assistant.refusal': 'normalised',
    'assistant.anyOrder': 'normalised',
    'reasoning.replay': 'dropped',
    'toolResult.multiText': 'exact',
    'toolResult.empty': 'exact',
    'toolResult.image': 'rewritten',
    'toolResult.isError': 'dropped',
    'tools.strict': 'exact',
    toolChoice: 'exact',
    parallelToolCalls: 'exact',
    maxOutputTokens: 'exact',
    temperature: 'exact',
    topP: 'exact',
    topK: 'refused',
    seed: 'exact',
    stopSequences: 'exact',
    penalties: 'exact',
    'responseFormat.text': 'exact',
    'responseFormat.json': 'exact',
    'responseFormat.jsonSchema': 'exact',
    'reasoning.effort': 'exact',
    'reasoning.budget': 'normalised',
    'reasoning.includeThoughts': 'dropped',
    n: 'exact',
    logprobs: 'exact',
    user: 'exact',
    metadata: 'dropped',
  },
  response: {
    multiText: 'normalised',
    refusal: 'normalised',
    'reasoning.foreign': 'normalised',
    'reasoning.own': 'dropped',
    stopSequence: 'dropped',
    'usage.cacheWrite': 'exact',
    'usage.cacheWrite1h': 'dropped',
    created: 'exact',
  },
  limits: { temperatureMax: 2, maxOutputTokens: 200_000 },
};

const OPENAI_RESPONSES: ProtocolCapabilities = {
  model: 'gpt-5-mini',
  request: {
    'system.leading': 'exact',
    'system.anywhere': 'exact',
    'turns.consecutiveUser': 'exact',
    'turns.consecutiveAssistant': 'normalised',
    'turns.consecutiveTool': 'normalised',
    tools: 'exact',
    'image.base64': 'exact',
    'image.url': 'normalised',
    'image.file': 'normalised',
    'image.detail': 'normalised',
    'document.pdf': 'exact',
    'document.text': 'exact',
    'document.url': 'normalised',
    'document.file': 'normalised',
    'document.title': 'normalised',
    cacheControl: 'dropped',
    'assistant.refusal': 'exact',
    'assistant.anyOrder': 'exact',
    'reasoning.replay': 'exact',
    'toolResult.multiText': 'exact',
    'toolResult.empty': 'exact',
    'toolResult.image': 'exact',
    'toolResult.isError': 'dropped',
    'tools.strict': 'normalised',
    toolChoice: 'exact',
    parallelToolCalls: 'exact',
    maxOutputTokens: 'normalised',
    temperature: 'exact',
    topP: 'exact',
    topK: 'refused',
    seed: 'dropped',
    stopSequences: 'refused',
    penalties: 'refused',
    'responseFormat.text': 'exact',
    'responseFormat.json': 'exact',
    'responseFormat.jsonSchema': 'exact',
    'reasoning.effort': 'exact',
    'reasoning.budget': 'normalised',
    'reasoning.includeThoughts': 'normalised',
    n: 'refused',
    logprobs: 'exact',
    user: 'exact',
    metadata: 'exact',
  },
  response: {
    multiText: 'exact',
    refusal: 'exact',
    'reasoning.foreign': 'normalised',
    'reasoning.own': 'exact',
    stopSequence: 'dropped',
    'usage.cacheWrite': 'exact',
    'usage.cacheWrite1h': 'dropped',
    created: 'exact',
  },
  limits: { temperatureMax: 2, maxOutputTokens: 200_000 },
};

const ANTHROPIC_MESSAGES: ProtocolCapabilities = {
  // Budget or adaptive thinking, temperature-or-top_p sampling, 64,000 output tokens (model-profiles.ts).
  model: 'claude-sonnet-4-6',
  request: {
    'system.leading': 'exact',
    'system.anywhere': 'normalised',
    'turns.consecutiveUser': 'normalised',
    'turns.consecutiveAssistant': 'normalised',
    'turns.consecutiveTool': 'normalised',
    tools: 'exact',
    'image.base64': 'exact',
    'image.url': 'normalised',
    'image.file': 'refused',
    'image.detail': 'dropped',
    'document.pdf': 'exact',
    'document.text': 'exact',
    'document.url': 'normalised',
    'document.file': 'refused',
    'document.title': 'exact',
    cacheControl: 'exact',
    'assistant.refusal': 'normalised',
    'assistant.anyOrder': 'exact',
    'reasoning.replay': 'exact',
    'toolResult.multiText': 'exact',
    'toolResult.empty': 'exact',
    'toolResult.image': 'exact',
    'toolResult.isError': 'exact',
    'tools.strict': 'exact',
    toolChoice: 'normalised',
    parallelToolCalls: 'normalised',
    maxOutputTokens: 'normalised',
    temperature: 'normalised',
    topP: 'normalised',
    topK: 'normalised',
    seed: 'dropped',
    stopSequences: 'exact',
    penalties: 'dropped',
    'responseFormat.text': 'normalised',
    'responseFormat.json': 'refused',
    'responseFormat.jsonSchema': 'normalised',
    'reasoning.effort': 'normalised',
    'reasoning.budget': 'normalised',
    'reasoning.includeThoughts': 'normalised',
    n: 'refused',
    logprobs: 'refused',
    user: 'exact',
    metadata: 'dropped',
  },
  response: {
    multiText: 'exact',
    refusal: 'normalised',
    'reasoning.foreign': 'normalised',
    'reasoning.own': 'exact',
    stopSequence: 'exact',
    'usage.cacheWrite': 'exact',
    'usage.cacheWrite1h': 'exact',
    created: 'dropped',
  },
  limits: { temperatureMax: 1, maxOutputTokens: 64_000 },
};

const GEMINI: ProtocolCapabilities = {
  // Gemini 3: thinking levels, multimodal function responses, thought-signature validation.
  model: 'gemini-3-pro-preview',
  request: {
    'system.leading': 'exact',
    'system.anywhere': 'normalised',
    'turns.consecutiveUser': 'normalised',
    'turns.consecutiveAssistant': 'normalised',
    'turns.consecutiveTool': 'normalised',
    tools: 'exact',
    'image.base64': 'exact',
    'image.url': 'normalised',
    'image.file': 'normalised',
    'image.detail': 'dropped',
    'document.pdf': 'exact',
    'document.text': 'exact',
    'document.url': 'normalised',
    'document.file': 'normalised',
    'document.title': 'dropped',
    cacheControl: 'dropped',
    'assistant.refusal': 'normalised',
    'assistant.anyOrder': 'exact',
    'reasoning.replay': 'exact',
    'toolResult.multiText': 'normalised',
    'toolResult.empty': 'exact',
    'toolResult.image': 'normalised',
    'toolResult.isError': 'normalised',
    'tools.strict': 'dropped',
    toolChoice: 'exact',
    parallelToolCalls: 'dropped',
    maxOutputTokens: 'exact',
    temperature: 'exact',
    topP: 'exact',
    topK: 'exact',
    seed: 'exact',
    stopSequences: 'exact',
    penalties: 'exact',
    'responseFormat.text': 'exact',
    'responseFormat.json': 'exact',
    'responseFormat.jsonSchema': 'normalised',
    'reasoning.effort': 'normalised',
    'reasoning.budget': 'normalised',
    'reasoning.includeThoughts': 'exact',
    n: 'exact',
    logprobs: 'exact',
    user: 'dropped',
    metadata: 'dropped',
  },
  response: {
    multiText: 'exact',
    refusal: 'normalised',
    'reasoning.foreign': 'normalised',
    'reasoning.own': 'exact',
    stopSequence: 'dropped',
    'usage.cacheWrite': 'dropped',
    'usage.cacheWrite1h': 'dropped',
    created: 'exact',
  },
  limits: { temperatureMax: 2, maxOutputTokens: 65_536 },
};

export const CAPABILITIES: Readonly<Record<ProtocolName, ProtocolCapabilities>> = {
  'openai-chat': OPENAI_CHAT,
  'openai-responses': OPENAI_RESPONSES,
  'anthropic-messages': ANTHROPIC_MESSAGES,
  gemini: GEMINI,
};

export const PROTOCOLS = Object.keys(CAPABILITIES) as ProtocolName[];

/** Every ordered pair of distinct protocols. */
export const PROTOCOL_PAIRS: Array<[ProtocolName, ProtocolName]> = PROTOCOLS.flatMap((a) => PROTOCOLS.filter((b) => b !== a).map((b): [ProtocolName, ProtocolName] => [a, b]));

const CARRIED: ReadonlySet<Carriage> = new Set(['exact', 'normalised']);

/** What a generator for the pair may use: the features both protocols carry. */
export interface PairSupport {
  request(feature: RequestFeature): boolean;
  response(feature: ResponseFeature): boolean;
  temperatureMax: number;
  maxOutputTokens: number;
}

export function pairSupport(protocols: readonly ProtocolName[]): PairSupport {
  const tables = protocols.map((protocol) => CAPABILITIES[protocol]);
  return {
    request: (feature) => tables.every((table) => CARRIED.has(table.request[feature])),
    response: (feature) => tables.every((table) => CARRIED.has(table.response[feature])),
    temperatureMax: Math.min(...tables.map((table) => table.limits.temperatureMax)),
    maxOutputTokens: Math.min(...tables.map((table) => table.limits.maxOutputTokens)),
  };
}
