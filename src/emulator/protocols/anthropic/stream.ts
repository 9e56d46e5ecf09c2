/**
 * A `Generation` as a Messages SSE stream, framed as Anthropic frames it
 * [conformance anthropic/messages-text, messages-thinking, messages-tool-use-parallel,
 * messages-tool-use-args, messages-tool-use-max-tokens-truncated .stream.sse]:
 * - `event: <type>` + `data: {json}` whose `type` repeats the event name; JSON often padded with
 *   spaces before its closing brace; the ping is literally `{"type": "ping"}`;
 * - `message_start` (empty content, input usage, `output_tokens: 1`), one `ping` after the first
 *   block opens, blocks strictly one after another, `message_delta` (stop reason, cumulative
 *   usage), `message_stop`;
 * - thinking: `thinking_delta`s, an empty one, then one `signature_delta` before the block stops;
 * - tool_use: `input_json_delta` starting with `""`, then fragments cut mid-token (`{"locati`);
 *   a no-argument call sends only `""`; a call cut by `max_tokens` is never stopped.
 * A block's start travels in the same frame as its first delta, so `error_after=0` leaves the
 * error right after `message_start`, before any block, as real mid-stream overloads arrive.
 */
import { formatSseEvent } from '../../../util/sse.js';
import type { SeededRandom } from '../../random.js';
import { splitIntoTokenPieces } from '../../tokens.js';
import type { RenderContext, StreamFrame } from '../protocol.js';
import { answerOf, renderDeltaUsage, renderUsage, type ContentBlock } from './content.js';
import type { AnthropicErrorPayload } from './errors.js';
import type { AnthropicRenderOptions } from './request.js';
import { messageId } from './response.js';

const PING = formatSseEvent('{"type": "ping"}', 'ping');

export function* renderAnthropicStream(context: RenderContext, options: AnthropicRenderOptions): Generator<StreamFrame> {
  const { random, generation } = context;
  const event = (type: string, payload: Record<string, unknown>): string => formatSseEvent(padded(JSON.stringify({ type, ...payload }), random), type);
  const answer = answerOf(context, options);
  yield {
    text: event('message_start', {
      message: {
        model: context.model.responseModel, id: messageId(context), type: 'message', role: 'assistant', content: [],
        stop_reason: null, stop_sequence: null, stop_details: null, usage: renderUsage(generation, false),
      },
    }),
    tokens: 0,
    content: false,
  };
  if (answer.blocks.length === 0) yield { text: PING, tokens: 0, content: false };
  for (const [index, block] of answer.blocks.entries()) {
    const start = event('content_block_start', { index, content_block: openingBlock(block) }) + (index === 0 ? PING : '');
    const delta = (body: Record<string, unknown>): string => event('content_block_delta', { index, delta: body });
    const stop = event('content_block_stop', { index });
    yield* blockFrames(block, start, delta, stop, random);
  }
  yield {
    text: event('message_delta', { delta: { stop_reason: answer.stopReason, stop_sequence: answer.stopSequence, stop_details: null }, usage: renderDeltaUsage(generation) })
      + event('message_stop', {}),
    tokens: 0,
    content: false,
  };
}

function* blockFrames(
  block: ContentBlock, start: string, delta: (body: Record<string, unknown>) => string, stop: string, random: SeededRandom,
): Generator<StreamFrame> {
  switch (block.type) {
    case 'redacted_thinking':
      // Arrives whole, no deltas [messages-thinking-redacted].
      yield { text: start + stop, tokens: 0, content: true };
      return;
    case 'thinking': {
      const groups = groupPieces(block.pieces, random, 4, 16).map((group) => ({ text: delta({ type: 'thinking_delta', thinking: group.join('') }), tokens: group.length }));
      const closing = (block.thinking.length > 0 ? delta({ type: 'thinking_delta', thinking: '' }) : '') + delta({ type: 'signature_delta', signature: block.signature }) + stop;
      yield* withStart(start, groups, closing);
      return;
    }
    case 'text': {
      const groups = groupPieces(block.pieces, random, 1, 3).map((group) => ({ text: delta({ type: 'text_delta', text: group.join('') }), tokens: group.length }));
      yield* withStart(start, groups, stop);
      return;
    }
    case 'tool_use': {
      const fragments = block.inputJson === '{}' ? [] : groupPieces(splitIntoTokenPieces(block.inputJson).map((piece) => piece.text), random, 1, 4);
      const groups = [{ text: delta({ type: 'input_json_delta', partial_json: '' }), tokens: 0 }]
        .concat(fragments.map((group) => ({ text: delta({ type: 'input_json_delta', partial_json: group.join('') }), tokens: group.length })));
      yield* withStart(start, groups, block.complete ? stop : '');
    }
  }
}

/** What `content_block_start` announces: an empty shell, except redacted thinking, which comes whole. */
function openingBlock(block: ContentBlock): Record<string, unknown> {
  switch (block.type) {
    case 'thinking': return { type: 'thinking', thinking: '', signature: '' };
    case 'redacted_thinking': return { type: 'redacted_thinking', data: block.data };
    case 'text': return { type: 'text', text: '' };
    case 'tool_use': return { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: { type: 'direct' } };
  }
}

/** The start rides with the first delta; the closing events follow the last one. */
function* withStart(start: string, groups: ReadonlyArray<{ text: string; tokens: number }>, closing: string): Generator<StreamFrame> {
  const [first, ...rest] = groups;
  yield { text: start + (first?.text ?? ''), tokens: first?.tokens ?? 0, content: true };
  for (const group of rest) yield { text: group.text, tokens: group.tokens, content: true };
  if (closing.length > 0) yield { text: closing, tokens: 0, content: false };
}

/** Token pieces in runs of `minimum`–`maximum`, as Anthropic's deltas carry a few tokens each. */
function groupPieces(pieces: readonly string[], random: SeededRandom, minimum: number, maximum: number): string[][] {
  const groups: string[][] = [];
  for (let position = 0; position < pieces.length;) {
    const size = random.integer(minimum, maximum);
    groups.push(pieces.slice(position, position + size));
    position += size;
  }
  return groups;
}

/** Anthropic pads many events with spaces before the closing brace (PROTOCOLS.md trap 14). */
function padded(json: string, random: SeededRandom): string {
  return random.chance(0.6) ? `${json.slice(0, -1)}${' '.repeat(random.integer(1, 15))}}` : json;
}

/** The in-stream error: `event: error` with the same envelope as an HTTP error body. */
export function renderAnthropicStreamError(payload: AnthropicErrorPayload): string {
  return formatSseEvent(JSON.stringify(payload), 'error');
}
