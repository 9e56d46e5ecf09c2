/**
 * Every recorded Anthropic sample in ../shared/conformance/anthropic decodes, and re-encoding its
 * canonical form means the same thing: decode → encode → decode gives the same canonical form; streams
 * accumulate to the same text, reasoning, tool calls, usage and stop reason, with the same block
 * structure, and both the recorded and the re-encoded stream obey Anthropic's stream grammar.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conformanceFiles, readConformanceJson, readConformanceText } from '../../testing/conformance.js';
import { anthropicMessagesCodec } from './index.js';
import { decodeAnthropicResponse } from './response-decode.js';
import { accumulate, assertAnthropicStreamGrammar, decodeSseText, encodeParts, wireEvents } from './test-support.js';
import { isRecord } from '../shared/field-reader.js';

const files = conformanceFiles('anthropic');
const byKind = (suffix: string): string[] => files.filter((file) => file.endsWith(suffix));

describe('recorded Anthropic requests', () => {
  const requests = byKind('.request.json');
  test('the sample set is present', () => assert.ok(requests.length >= 8));
  for (const file of requests) {
    test(`${file}: decode → encode → decode keeps the canonical request`, () => {
      const body = readConformanceJson('anthropic', file);
      assert.ok(isRecord(body));
      const canonical = anthropicMessagesCodec.decodeRequest(body);
      const encoded = anthropicMessagesCodec.encodeRequest(canonical, canonical.model);
      assert.deepEqual(anthropicMessagesCodec.decodeRequest(encoded), canonical);
      // The same upstream settings are sent again.
      assert.equal(encoded.max_tokens, body.max_tokens);
      assert.deepEqual(encoded.thinking, body.thinking);
      assert.equal(encoded.stream, body.stream ?? false);
    });
  }
});

describe('recorded Anthropic responses', () => {
  for (const file of byKind('.response.json')) {
    test(`${file}: decode → encode → decode keeps the canonical response`, () => {
      const body = readConformanceJson('anthropic', file);
      const canonical = decodeAnthropicResponse(body, () => 0);
      const encoded = anthropicMessagesCodec.encodeResponse(canonical, { requestId: 'req_1', model: canonical.model });
      assert.deepEqual(decodeAnthropicResponse(encoded, () => 0), canonical);
      assert.ok(isRecord(body) && isRecord(encoded));
      assert.equal(encoded.id, body.id, 'a msg_ id is kept');
      assert.equal(encoded.stop_reason, body.stop_reason);
      assert.deepEqual(encoded.usage, decodeAndStrip(body.usage));
    });
  }
});

/** The recorded usage without the fields we do not carry (service tier, inference geo). */
function decodeAndStrip(usage: unknown): Record<string, unknown> {
  assert.ok(isRecord(usage));
  const { service_tier: _tier, inference_geo: _geo, ...rest } = usage;
  return rest;
}

describe('recorded Anthropic streams', () => {
  for (const file of byKind('.stream.sse')) {
    test(`${file}: decodes, re-encodes to the same content and a valid stream`, () => {
      const recorded = readConformanceText('anthropic', file);
      const recordedEvents = wireEvents(recorded);
      assertAnthropicStreamGrammar(recordedEvents);

      const parts = decodeSseText(recorded);
      const original = accumulate(parts);
      assert.equal(original.error, undefined, 'no error part');
      assert.ok(original.finishReason !== undefined, 'a finish part');

      const reencoded = encodeParts(parts, { requestId: 'req_1', model: 'claude-test' });
      const events = wireEvents(reencoded);
      assertAnthropicStreamGrammar(events);
      assert.deepEqual(accumulate(decodeSseText(reencoded)), original);

      // Same block structure: every block start/stop and message event, in order (deltas may be merged
      // or skipped when empty; a tool call cut off by max_tokens is not re-sent).
      const structure = (list: typeof events, skipIndices: Set<number>): string[] =>
        list
          .filter((event) => !['ping', 'content_block_delta'].includes(event.event))
          .filter((event) => !(typeof event.data.index === 'number' && skipIndices.has(event.data.index)))
          .map((event) => {
            const block = event.data.content_block;
            return isRecord(block) ? `${event.event}:${String(block.type)}` : event.event;
          });
      assert.deepEqual(structure(events, new Set()), structure(recordedEvents, unfinishedToolBlocks(recordedEvents)));
    });
  }

  test('messages-thinking.stream.sse: thinking text and signature survive', () => {
    const result = accumulate(decodeSseText(readConformanceText('anthropic', 'messages-thinking.stream.sse')));
    assert.equal(result.reasoning.length, 1);
    assert.match(result.reasoning[0]?.text ?? '', /^The user wants two names/);
    assert.match(result.reasoning[0]?.signature ?? '', /^EuYDCmMIDBgCKkC05Zda4P/);
    assert.equal(result.usage?.inputTokens, 46);
    assert.equal(result.usage?.outputTokens, 133);
  });

  test('messages-tool-use-args.stream.sse: fragments split mid-key join into one call', () => {
    const result = accumulate(decodeSseText(readConformanceText('anthropic', 'messages-tool-use-args.stream.sse')));
    assert.deepEqual(result.toolCalls, [{ id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', arguments: '{"location": "Paris"}' }]);
    assert.equal(result.finishReason, 'tool-calls');
    // message_delta has output_tokens only: the input count comes from message_start.
    assert.deepEqual([result.usage?.inputTokens, result.usage?.outputTokens], [377, 65]);
  });
});

function unfinishedToolBlocks(events: ReturnType<typeof wireEvents>): Set<number> {
  const started = new Set<number>();
  for (const { event, data } of events) {
    if (event === 'content_block_start' && typeof data.index === 'number') started.add(data.index);
    if (event === 'content_block_stop' && typeof data.index === 'number') started.delete(data.index);
  }
  return started;
}

describe('recorded Anthropic errors', () => {
  for (const file of files.filter((name) => name.includes('-error-'))) {
    test(`${file}: decodes as a non-retryable invalid request`, () => {
      const body = readConformanceJson('anthropic', file);
      const info = anthropicMessagesCodec.decodeError(400, body, {});
      assert.equal(info.kind, 'invalid_request');
      assert.equal(info.providerCode, 'invalid_request_error');
      assert.equal(info.retryable, false);
      assert.ok(isRecord(body) && isRecord(body.error));
      assert.equal(info.message, body.error.message);
    });
  }
});
