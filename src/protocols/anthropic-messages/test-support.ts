/**
 * Helpers for this folder's tests: run SSE text through the codec, accumulate canonical parts into what
 * a client would end up with, and check Anthropic's stream grammar. Not imported by production code.
 */
import assert from 'node:assert/strict';
import type { CanonicalUsage, FinishReason, StreamPart } from '../../canonical/types.js';
import { SseParser, type SseEvent } from '../../util/sse.js';
import type { EncodeContext } from '../codec.js';
import { AnthropicStreamDecoder } from './stream-decode.js';
import { AnthropicStreamEncoder } from './stream-encode.js';
import { isRecord } from '../shared/field-reader.js';

export function parseSse(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

export function decodeSseText(text: string): StreamPart[] {
  const decoder = new AnthropicStreamDecoder(() => 0);
  return [...parseSse(text).flatMap((event) => decoder.push(event)), ...decoder.end()];
}

export function encodeParts(parts: readonly StreamPart[], context: EncodeContext = { requestId: 'req_test', model: 'claude-test' }): string {
  const encoder = new AnthropicStreamEncoder(context);
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end();
}

export interface AccumulatedStream {
  id?: string;
  text: string[];
  reasoning: Array<{ text: string; signature?: string; redactedData?: string }>;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  finishReason?: FinishReason;
  stopSequence?: string;
  usage?: Partial<CanonicalUsage>;
  error?: { status: number; kind: string; message: string };
}

/** What a client ends up with: only blocks that ended count (a tool call without its end is not a call). */
export function accumulate(parts: readonly StreamPart[]): AccumulatedStream {
  const result: AccumulatedStream = { text: [], reasoning: [], toolCalls: [] };
  const text = new Map<number, string>();
  const reasoning = new Map<number, string>();
  const tools = new Map<number, { id: string; name: string; arguments: string }>();
  let usage: Partial<CanonicalUsage> = {};
  for (const part of parts) {
    switch (part.type) {
      case 'response-start':
        result.id = part.id;
        usage = { ...part.usage };
        break;
      case 'text-start':
        text.set(part.block, '');
        break;
      case 'text-delta':
      case 'refusal-delta':
        text.set(part.block, (text.get(part.block) ?? '') + part.text);
        break;
      case 'text-end':
        result.text.push(text.get(part.block) ?? '');
        break;
      case 'reasoning-start':
        reasoning.set(part.block, '');
        break;
      case 'reasoning-delta':
        reasoning.set(part.block, (reasoning.get(part.block) ?? '') + part.text);
        break;
      case 'reasoning-end': {
        const entry: { text: string; signature?: string; redactedData?: string } = { text: reasoning.get(part.block) ?? '' };
        if (part.signature !== undefined) entry.signature = part.signature;
        if (part.redactedData !== undefined) entry.redactedData = part.redactedData;
        result.reasoning.push(entry);
        break;
      }
      case 'tool-call-start':
        tools.set(part.block, { id: part.id, name: part.name, arguments: '' });
        break;
      case 'tool-call-delta': {
        const tool = tools.get(part.block);
        if (tool !== undefined) tool.arguments += part.argumentsDelta;
        break;
      }
      case 'tool-call-end': {
        const tool = tools.get(part.block);
        if (tool !== undefined) result.toolCalls.push({ ...tool });
        break;
      }
      case 'usage':
        usage = { ...usage, ...part.usage };
        break;
      case 'finish':
        result.finishReason = part.finishReason;
        if (part.stopSequence !== undefined) result.stopSequence = part.stopSequence;
        usage = { ...usage, ...part.usage };
        break;
      case 'error':
        result.error = part.error;
        break;
    }
  }
  result.usage = usage;
  return result;
}

export interface WireEvent {
  event: string;
  data: Record<string, unknown>;
}

export function wireEvents(sse: string): WireEvent[] {
  return parseSse(sse).map((event) => {
    const data = JSON.parse(event.data) as unknown;
    assert.ok(isRecord(data), 'every data line is a JSON object');
    assert.equal(data.type, event.event, 'the data type equals the event name');
    return { event: event.event ?? '', data };
  });
}

/**
 * Anthropic's stream grammar: message_start first; blocks numbered 0, 1, … each start → deltas → stop,
 * one open at a time; a thinking block's last delta before its stop is its one signature_delta;
 * message_delta then message_stop last. `ping` may appear anywhere after message_start. A stream may
 * instead end with `error`. The only block allowed to stay open is a tool_use cut off by max_tokens.
 */
export function assertAnthropicStreamGrammar(events: readonly WireEvent[]): void {
  const names = events.map((event) => event.event).filter((name) => name !== 'ping');
  if (names[names.length - 1] === 'error') {
    assert.ok(!names.slice(0, -1).includes('error'), 'one error event, last');
    return;
  }
  assert.equal(names[0], 'message_start', 'message_start comes first');
  assert.deepEqual(names.slice(-2), ['message_delta', 'message_stop'], 'message_delta then message_stop end the stream');
  const start = events.find((event) => event.event === 'message_start');
  const message = start?.data.message;
  assert.ok(isRecord(message) && Array.isArray(message.content) && message.content.length === 0, 'message_start has empty content');

  let open: { index: number; type: string; signatures: number; lastDelta?: string } | undefined;
  let nextIndex = 0;
  let stopReason: unknown;
  for (const { event, data } of events) {
    if (event === 'content_block_start') {
      assert.equal(open, undefined, `block ${String(data.index)} starts while block ${open?.index} is open`);
      assert.equal(data.index, nextIndex++, 'block indices count up from 0');
      const block = data.content_block;
      assert.ok(isRecord(block) && typeof block.type === 'string');
      open = { index: data.index as number, type: block.type, signatures: 0 };
    } else if (event === 'content_block_delta') {
      assert.ok(open !== undefined && data.index === open.index, 'deltas belong to the open block');
      const delta = data.delta;
      assert.ok(isRecord(delta) && typeof delta.type === 'string');
      const expected: Record<string, string[]> = {
        text: ['text_delta', 'citations_delta'],
        thinking: ['thinking_delta', 'signature_delta'],
        tool_use: ['input_json_delta'],
        redacted_thinking: [],
      };
      assert.ok(expected[open.type]?.includes(delta.type), `${delta.type} inside a ${open.type} block`);
      if (delta.type === 'signature_delta') open.signatures++;
      open.lastDelta = delta.type;
    } else if (event === 'content_block_stop') {
      assert.ok(open !== undefined && data.index === open.index, 'stop closes the open block');
      if (open.type === 'thinking') {
        assert.equal(open.signatures, 1, 'a thinking block carries exactly one signature_delta');
        assert.equal(open.lastDelta, 'signature_delta', 'the signature_delta comes right before content_block_stop');
      }
      open = undefined;
    } else if (event === 'message_delta') {
      stopReason = isRecord(data.delta) ? data.delta.stop_reason : undefined;
      if (open !== undefined) {
        assert.equal(open.type, 'tool_use', 'only a tool_use block may be left open');
        assert.equal(stopReason, 'max_tokens', 'a block is left open only when max_tokens cut it off');
      }
    }
  }
}
