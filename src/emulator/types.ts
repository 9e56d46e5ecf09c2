/**
 * The generation core's vocabulary. Protocol modules decode a provider request into an
 * `EmulatorPrompt`, the core turns it into a `Generation` (what the model says, how many tokens,
 * how fast), and the protocol module writes that in its own wire format. Nothing here knows a
 * provider's field names.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON Schema as it came over the wire; read defensively, never trusted. */
export type JsonSchema = { [key: string]: unknown } | boolean;

export type PromptPart =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string; detail: 'low' | 'high' | 'auto' }
  | { type: 'tool-call'; id: string; name: string; argumentsJson: string }
  | { type: 'tool-result'; callId: string; name: string | undefined; content: string };

export interface PromptMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  parts: PromptPart[];
}

export interface PromptTool {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export type PromptToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

export type PromptResponseFormat =
  | { type: 'text' }
  | { type: 'json-object' }
  | { type: 'json-schema'; name: string; schema: JsonSchema };

export interface EmulatorPrompt {
  /** The model name the caller asked for. */
  model: string;
  messages: PromptMessage[];
  tools: PromptTool[];
  toolChoice: PromptToolChoice;
  parallelToolCalls: boolean;
  responseFormat: PromptResponseFormat;
  /** Output cap (visible text + tool calls + reasoning); undefined means the model's maximum. */
  maxOutputTokens: number | undefined;
  /** How many alternative answers (OpenAI `n`). */
  choiceCount: number;
  /** `low` | `medium` | `high` | … ; undefined or `none` means no reasoning tokens. */
  reasoningEffort: string | undefined;
  stopSequences: string[];
  /** The caller's own sampling seed, if any: a different seed gives a different answer. */
  samplingSeed: number | undefined;
  /** Number of top alternatives per token when the caller asked for logprobs; undefined when not. */
  logprobsTop: number | undefined;
}

export interface GeneratedToolCall {
  id: string;
  name: string;
  /** The argument JSON text, possibly cut short when the output limit hit. */
  argumentsJson: string;
  /** Fragments as a stream sends them; they concatenate to `argumentsJson`. */
  argumentPieces: string[];
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top: Array<{ token: string; logprob: number; bytes: number[] }>;
}

/** Why a choice ended, in neutral words each protocol maps to its own. */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'refusal';

export interface GeneratedChoice {
  index: number;
  /** Visible text; null when the answer is only tool calls or a refusal. */
  text: string | null;
  /** `text` split into stream-sized pieces (one token or a whole multi-byte character each). */
  textPieces: string[];
  /** Set when the model declines; streamed in its own field by protocols that have one. */
  refusal: string | null;
  refusalPieces: string[];
  toolCalls: GeneratedToolCall[];
  finishReason: FinishReason;
  /** The stop sequence that ended the answer, when one did (Anthropic reports which). */
  stopSequence?: string;
  reasoningTokens: number;
  /** Every output token of this choice: text + tool calls + reasoning. */
  outputTokens: number;
  /** One entry per text piece, present when the prompt asked for logprobs. */
  logprobs: TokenLogprob[] | undefined;
}

export interface GenerationUsage {
  inputTokens: number;
  cachedInputTokens: number;
  /** Sum over choices, reasoning included (as OpenAI bills `n` choices). */
  outputTokens: number;
  reasoningTokens: number;
  /** Prompt tokens written to an explicit prompt cache (Anthropic's cache_control); absent for automatic caches. */
  cacheWriteTokens?: number;
  /** The part of `cacheWriteTokens` written with a 1-hour lifetime. */
  cacheWrite1hTokens?: number;
}

export interface Generation {
  choices: GeneratedChoice[];
  usage: GenerationUsage;
  /** Seed of this conversation; protocols derive ids and padding from it. */
  seed: number;
  /** Delay before the first output token, already scaled by time_scale. */
  firstTokenDelayMs: number;
  /** Delay per output token, already scaled by time_scale. */
  millisecondsPerToken: number;
}
