/**
 * A `Generation` as Anthropic content blocks, the one description both the JSON body and the SSE
 * stream are written from, so they always agree: thinking (signed) or redacted thinking first,
 * then text, then tool calls with `toolu_` ids; the stop reason; and the usage with Anthropic's
 * additive cache counts (`input_tokens` excludes cache reads and writes).
 */
import { deriveSeed, SeededRandom } from '../../random.js';
import { splitIntoTokenPieces } from '../../tokens.js';
import type { GeneratedChoice, GeneratedToolCall, Generation } from '../../types.js';
import type { RenderContext } from '../protocol.js';
import type { AnthropicRenderOptions } from './request.js';
import { sealRedactedThinking, signThinking } from './thinking-signature.js';
import { composeThinking } from './thinking-text.js';

export type ContentBlock =
  | { type: 'thinking'; thinking: string; signature: string; pieces: string[] }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'text'; text: string; pieces: string[] }
  /** `complete: false` when `max_tokens` cut the arguments: the stream then never closes the block. */
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown>; inputJson: string; complete: boolean };

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface AnthropicAnswer {
  blocks: ContentBlock[];
  stopReason: StopReason;
  stopSequence: string | null;
}

export function answerOf(context: RenderContext, options: AnthropicRenderOptions): AnthropicAnswer {
  const { generation } = context;
  const choice = generation.choices[0];
  if (choice === undefined) return { blocks: [], stopReason: 'end_turn', stopSequence: null };
  const blocks: ContentBlock[] = [];
  const thinking = thinkingBlock(generation, choice, options);
  if (thinking !== undefined) blocks.push(thinking);
  const visible = choice.refusal ?? choice.text;
  if (visible !== null && visible.length > 0) {
    blocks.push({ type: 'text', text: visible, pieces: choice.refusal === null ? choice.textPieces : choice.refusalPieces });
  }
  for (const call of choice.toolCalls) blocks.push(toolUseBlock(call));
  return { blocks, stopReason: stopReasonOf(choice), stopSequence: choice.stopSequence ?? null };
}

function thinkingBlock(generation: Generation, choice: GeneratedChoice, options: AnthropicRenderOptions): ContentBlock | undefined {
  if (options.thinking === undefined || choice.reasoningTokens === 0) return undefined;
  const random = new SeededRandom(deriveSeed(generation.seed, 'thinking', choice.index));
  const hidden = composeThinking(options.question, options.keywords, choice.reasoningTokens, random);
  if (options.redactThinking) return { type: 'redacted_thinking', data: sealRedactedThinking(hidden) };
  const shown = options.thinking.display === 'omitted' ? '' : hidden;
  return { type: 'thinking', thinking: shown, signature: signThinking(hidden, shown), pieces: splitIntoTokenPieces(shown).map((piece) => piece.text) };
}

/** Anthropic ids are `toolu_01` + 22 letters and digits; derived from the core's id so both renderings agree. */
export function anthropicToolId(call: GeneratedToolCall): string {
  return `toolu_01${call.id.replace(/^call_/, '').slice(0, 22)}`;
}

function toolUseBlock(call: GeneratedToolCall): ContentBlock {
  const id = anthropicToolId(call);
  try {
    const input = JSON.parse(call.argumentsJson) as Record<string, unknown>;
    return { type: 'tool_use', id, name: call.name, input, inputJson: spacedJson(input), complete: true };
  } catch {
    // Cut mid-arguments by max_tokens: the stream shows the fragment, a JSON body an empty input.
    return { type: 'tool_use', id, name: call.name, input: {}, inputJson: call.argumentsJson, complete: false };
  }
}

/** Anthropic streams tool input with `": "` and `", "` separators (`{"location": "Paris"}`) [messages-tool-use-args]. */
export function spacedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${spacedJson(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function stopReasonOf(choice: GeneratedChoice): StopReason {
  switch (choice.finishReason) {
    case 'length': return 'max_tokens';
    case 'tool-calls': return 'tool_use';
    case 'refusal': return 'refusal';
    case 'stop': return choice.stopSequence === undefined ? 'end_turn' : 'stop_sequence';
  }
}

/**
 * The usage object of a message, or of `message_start` (`final: false`: a small `output_tokens`).
 * `output_tokens_details.thinking_tokens` is the newer API's breakdown (in the SDK's `Usage` type,
 * absent from older recordings); it is written only when the model thought.
 */
export function renderUsage(generation: Generation, final = true): Record<string, unknown> {
  const { usage } = generation;
  const written = usage.cacheWriteTokens ?? 0;
  const writtenForAnHour = usage.cacheWrite1hTokens ?? 0;
  return {
    input_tokens: usage.inputTokens - usage.cachedInputTokens - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: usage.cachedInputTokens,
    cache_creation: { ephemeral_5m_input_tokens: written - writtenForAnHour, ephemeral_1h_input_tokens: writtenForAnHour },
    output_tokens: final ? usage.outputTokens : 1,
    ...(final ? thinkingDetails(generation) : {}),
    service_tier: 'standard',
    inference_geo: 'not_available',
  };
}

/** `message_delta` restates the input counts next to the cumulative output [messages-text.stream.sse]. */
export function renderDeltaUsage(generation: Generation): Record<string, unknown> {
  const { usage } = generation;
  const written = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: usage.inputTokens - usage.cachedInputTokens - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
    ...thinkingDetails(generation),
  };
}

function thinkingDetails(generation: Generation): Record<string, unknown> {
  const thinking = generation.usage.reasoningTokens;
  return thinking > 0 ? { output_tokens_details: { thinking_tokens: thinking } } : {};
}
