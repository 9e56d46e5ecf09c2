/**
 * The canonical model: one request, response and stream-part shape that every protocol codec decodes
 * into and encodes from. N protocols + M providers meet here, so translation stays N+M, never N×M.
 *
 * Same-protocol traffic never touches these types (it is forwarded as raw bytes); they exist for
 * translation across protocols, for the workload profile and for usage accounting.
 */

/** The wire protocols Switchyard speaks, on either side. */
export type ProtocolName = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';

/** Where a piece of opaque provider state (a signature, encrypted reasoning) came from. */
export type ProviderOrigin = 'openai' | 'anthropic' | 'gemini';

// ---------------------------------------------------------------------------------------------------
// Request
// ---------------------------------------------------------------------------------------------------

export interface CanonicalRequest {
  /** The model as the caller named it (alias or `provider/model`); encoders take the target's name. */
  model: string;
  /**
   * The conversation in order. `system` messages may appear anywhere (OpenAI allows it); encoders for
   * protocols with one top-level system prompt hoist them.
   */
  messages: CanonicalMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** false = at most one tool call per turn (Anthropic `disable_parallel_tool_use`). */
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseFormat?: ResponseFormat;
  reasoning?: ReasoningRequest;
  stream: boolean;
  /** Chat asks for usage in streams explicitly; every other protocol always sends it. */
  streamIncludeUsage?: boolean;
  /** Number of choices (Chat `n`, Gemini `candidateCount`). */
  n?: number;
  /** Token log probabilities (OpenAI `logprobs`/`top_logprobs`, Gemini `responseLogprobs`/`logprobs`). */
  logprobs?: { topLogprobs?: number };
  /** End-user id or free-form metadata, where the target protocol has a field for it. */
  user?: string;
  metadata?: Record<string, string>;
}

export type CanonicalMessage =
  | { role: 'system'; content: TextPart[] }
  | { role: 'user'; content: UserContentPart[] }
  | { role: 'assistant'; content: AssistantContentPart[] }
  | { role: 'tool'; content: ToolResultPart[] };

export type UserContentPart = TextPart | ImagePart | DocumentPart;
export type AssistantContentPart = TextPart | ReasoningPart | ToolCallPart | RefusalPart;
export type ContentPart = UserContentPart | AssistantContentPart | ToolResultPart;

/** Anthropic-style cache breakpoint hint; kept when the target understands it. */
export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
  /** Gemini 3 attaches an opaque signature to some parts; it must be replayed to Gemini only. */
  thoughtSignature?: string;
}

export type MediaSource =
  | { kind: 'base64'; mediaType: string; data: string }
  | { kind: 'url'; url: string; mediaType?: string }
  /** A provider-side file reference (OpenAI file_id, Gemini file URI); provider-bound. */
  | { kind: 'file'; fileId: string; mediaType?: string };

export interface ImagePart {
  type: 'image';
  source: MediaSource;
  /** OpenAI's resolution hint. */
  detail?: 'auto' | 'low' | 'high';
  cacheControl?: CacheControl;
}

export interface DocumentPart {
  type: 'document';
  source: MediaSource;
  title?: string;
  cacheControl?: CacheControl;
}

export interface ToolCallPart {
  type: 'tool-call';
  /** Stable across turns: the id a client sees is the id it sends back with the result. */
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as produced (never re-serialized on the way through). */
  arguments: string;
  thoughtSignature?: string;
}

export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** Gemini needs the function name with each result; decoders fill it from the matching call. */
  toolName?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

/**
 * Model reasoning. The text is readable (thinking, a summary, a thought); the opaque fields are bound
 * to the provider that produced them and are dropped when the next hop is another provider.
 */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  origin: ProviderOrigin;
  /** Anthropic thinking signature. */
  signature?: string;
  /** Anthropic redacted_thinking data: the block carries no readable text. */
  redactedData?: string;
  /** OpenAI Responses encrypted_content, with the reasoning item id. */
  encryptedContent?: string;
  itemId?: string;
}

export interface RefusalPart {
  type: 'refusal';
  text: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: CacheControl;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export interface ReasoningRequest {
  /** OpenAI-style effort; translated to a budget for providers that take one. */
  effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
  /** Anthropic `budget_tokens`, Gemini `thinkingBudget`. */
  budgetTokens?: number;
  /** Whether readable reasoning (summaries, thoughts) should come back. */
  includeThoughts?: boolean;
}

// ---------------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------------

export type FinishReason =
  | 'stop'
  | 'stop-sequence'
  | 'length'
  | 'tool-calls'
  | 'content-filter'
  | 'refusal'
  | 'pause'
  | 'error'
  | 'other';

/**
 * Token usage with one meaning whatever the protocol: every count is a total, and the detail counts
 * are subsets of it (Anthropic's additive cache counts are folded in by its decoder).
 */
export interface CanonicalUsage {
  /** All input tokens, including cache reads and cache writes. */
  inputTokens: number;
  /** All output tokens, including reasoning. */
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (subset of inputTokens). */
  cachedInputTokens: number;
  /** Input tokens written to the provider's prompt cache (subset of inputTokens). */
  cacheWriteTokens: number;
  /** Anthropic splits cache writes by TTL; the 1-hour part is priced higher. */
  cacheWrite1hTokens?: number;
  /** Reasoning tokens (subset of outputTokens). */
  reasoningTokens: number;
}

export interface CanonicalResponse {
  id: string;
  /** The model that served, as the provider named it. */
  model: string;
  created: number;
  /** `content`, `finishReason`, `stopSequence` and `logprobs` are those of choice 0. */
  content: AssistantContentPart[];
  finishReason: FinishReason;
  /** The matched stop sequence, where the provider reports it. */
  stopSequence?: string;
  /** Log probabilities of the text tokens in `content`, in order, when the request asked for them. */
  logprobs?: TokenLogprob[];
  /**
   * Choices 1 and later, when the request asked for several (`n`, Gemini `candidateCount`). Only
   * protocols that can answer with several choices write them; every other encoder reads choice 0.
   */
  additionalChoices?: CanonicalChoice[];
  /** Usage of the whole response, every choice included. */
  usage: CanonicalUsage;
}

/** One alternative answer beyond the first. */
export interface CanonicalChoice {
  /** 1, 2, …: the position the provider gave it. */
  index: number;
  content: AssistantContentPart[];
  finishReason: FinishReason;
  stopSequence?: string;
  logprobs?: TokenLogprob[];
}

/** One generated token with its log probability and the most likely tokens at that position. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  /** The alternatives the provider reported, most likely first (may include the chosen token). */
  top: Array<{ token: string; logprob: number }>;
}

// ---------------------------------------------------------------------------------------------------
// Stream parts
// ---------------------------------------------------------------------------------------------------

/**
 * A stream is a sequence of parts. Content comes in blocks numbered from 0 in the order they start;
 * each block is a `*-start`, any number of deltas and an `*-end`. Blocks may interleave (OpenAI
 * parallel tool calls can), encoders that need one open block at a time close the open one first.
 * With several choices (n > 1) block numbers stay unique across choices, and the part that opens a
 * block (its `*-start`, or a refusal's first delta) names its `choice`; absent means choice 0.
 */
export type StreamPart =
  | { type: 'response-start'; id: string; model: string; created: number; usage?: Partial<CanonicalUsage> }
  | { type: 'text-start'; block: number; thoughtSignature?: string; choice?: number }
  /** `logprobs`: the tokens of this delta, when the request asked for them. */
  | { type: 'text-delta'; block: number; text: string; logprobs?: TokenLogprob[] }
  | { type: 'text-end'; block: number; thoughtSignature?: string }
  | { type: 'refusal-delta'; block: number; text: string; choice?: number }
  | { type: 'reasoning-start'; block: number; origin: ProviderOrigin; itemId?: string; choice?: number }
  | { type: 'reasoning-delta'; block: number; text: string }
  | {
      type: 'reasoning-end';
      block: number;
      signature?: string;
      redactedData?: string;
      encryptedContent?: string;
    }
  | { type: 'tool-call-start'; block: number; id: string; name: string; thoughtSignature?: string; choice?: number }
  | { type: 'tool-call-delta'; block: number; argumentsDelta: string }
  | { type: 'tool-call-end'; block: number }
  /** A usage snapshot: cumulative, the latest one wins. */
  | { type: 'usage'; usage: Partial<CanonicalUsage> }
  /**
   * The end of the stream. `finishReason` is choice 0's; with several choices the others' reasons
   * come in `additionalChoices`, so a stream still has exactly one finish.
   */
  | {
      type: 'finish';
      finishReason: FinishReason;
      stopSequence?: string;
      usage?: Partial<CanonicalUsage>;
      additionalChoices?: Array<{ index: number; finishReason: FinishReason }>;
    }
  /** The provider failed after the stream began. */
  | { type: 'error'; error: StreamErrorInfo };

export interface StreamErrorInfo {
  /** The HTTP status this error would have had before the stream began (529 for overloaded). */
  status: number;
  /** A provider-neutral class: overloaded, rate_limit, server_error, invalid_request, timeout, … */
  kind: string;
  message: string;
  /** A stable code (the gateway's, e.g. `upstream_timeout`, or the provider's), where the protocol carries one. */
  code?: string;
}

export function emptyUsage(): CanonicalUsage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
}
