import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceText } from '../../../testing/conformance.js';
import { renderMessage } from './response.js';
import { renderAnthropicStream } from './stream.js';
import { contextFor, parseEvents, weatherTool, type ParsedEvent } from './test-support.js';
import { verifyThinking } from './thinking-signature.js';

type Block = Record<string, unknown> & { type: string };

function streamOf(body: Record<string, unknown>): { raw: string; events: ParsedEvent[]; whole: Record<string, unknown> & { content: Block[] } } {
  const { decoded, context } = contextFor({ model: 'claude-sonnet-4-6', max_tokens: 4096, ...body });
  const raw = [...renderAnthropicStream(context, decoded.options)].map((frame) => frame.text).join('');
  const { context: again } = contextFor({ model: 'claude-sonnet-4-6', max_tokens: 4096, ...body });
  return { raw, events: parseEvents(raw), whole: renderMessage(again, decoded.options) as Record<string, unknown> & { content: Block[] } };
}

/** The stream grammar every recorded Anthropic stream follows. */
function assertGrammar(events: readonly ParsedEvent[], label: string): void {
  for (const event of events) assert.equal(event.event, event.data.type, `${label}: event name and data.type agree`);
  assert.equal(events[0]?.event, 'message_start', label);
  assert.equal(events.at(-1)?.event, 'message_stop', label);
  assert.equal(events.at(-2)?.event, 'message_delta', label);
  let open: number | undefined;
  let next = 0;
  for (const { event, data } of events) {
    if (event === 'content_block_start') {
      assert.equal(open, undefined, `${label}: one block open at a time`);
      assert.equal(data.index, next, `${label}: blocks numbered in order`);
      open = next++;
    } else if (event === 'content_block_delta') {
      assert.equal(data.index, open, `${label}: deltas belong to the open block`);
    } else if (event === 'content_block_stop') {
      assert.equal(data.index, open, label);
      open = undefined;
    }
  }
}

/** Accumulate a stream the way the SDKs do. */
function accumulate(events: readonly ParsedEvent[]): Block[] {
  const blocks: Block[] = [];
  const json: string[] = [];
  for (const { event, data } of events) {
    if (event === 'content_block_start') {
      blocks.push({ ...(data.content_block as Block) });
      json.push('');
    }
    if (event !== 'content_block_delta' && event !== 'content_block_stop') continue;
    const index = data.index as number;
    const block = blocks[index] as Block;
    if (event === 'content_block_stop') {
      if (block.type === 'tool_use') block.input = json[index] === '' ? {} : JSON.parse(json[index] ?? '');
      continue;
    }
    const delta = data.delta as Record<string, string>;
    if (delta.type === 'text_delta') block.text = String(block.text) + delta.text;
    if (delta.type === 'thinking_delta') block.thinking = String(block.thinking) + delta.thinking;
    if (delta.type === 'signature_delta') block.signature = delta.signature;
    if (delta.type === 'input_json_delta') json[index] = (json[index] ?? '') + delta.partial_json;
  }
  return blocks;
}

describe('renderAnthropicStream', () => {
  it('follows the grammar and key order of the recorded streams', () => {
    for (const file of ['messages-text.stream.sse', 'messages-thinking.stream.sse', 'messages-tool-use-parallel.stream.sse', 'messages-tool-use-args.stream.sse']) {
      assertGrammar(parseEvents(readConformanceText('anthropic', file)), file);
    }
    const recorded = parseEvents(readConformanceText('anthropic', 'messages-thinking.stream.sse'));
    const { events, raw } = streamOf({ thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Two names for a pet pelican' }] });
    assertGrammar(events, 'ours');
    const message = (list: readonly ParsedEvent[]) => list[0]?.data.message as Record<string, unknown> & { usage: Record<string, unknown> };
    assert.deepEqual(Object.keys(message(events)), Object.keys(message(recorded)));
    assert.deepEqual(Object.keys(message(events).usage), Object.keys(message(recorded).usage));
    assert.equal(message(events).usage.output_tokens, 1);
    const delta = (list: readonly ParsedEvent[]) => list.find((event) => event.event === 'message_delta')?.data as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(delta(events).delta ?? {}), Object.keys(delta(recorded).delta ?? {}));
    // Newer API versions add the thinking breakdown after the recorded keys.
    assert.deepEqual(Object.keys(delta(events).usage ?? {}), [...Object.keys(delta(recorded).usage ?? {}), 'output_tokens_details']);
    assert.ok(Number((delta(events).usage?.output_tokens_details as { thinking_tokens: number }).thinking_tokens) > 0);
    // One ping, right after the first block opens; framing as Anthropic writes it.
    assert.deepEqual(events.slice(1, 3).map((event) => event.event), ['content_block_start', 'ping']);
    assert.equal(events.filter((event) => event.event === 'ping').length, 1);
    assert.ok(raw.includes('event: ping\ndata: {"type": "ping"}\n\n'));
    assert.match(raw, / +}\n\n/, 'some events are padded before their closing brace');
  });

  it('streams exactly what the JSON body says', () => {
    for (const body of [
      { messages: [{ role: 'user', content: 'Explain tides [[tokens: 60]]' }] },
      { thinking: { type: 'enabled', budget_tokens: 3000 }, messages: [{ role: 'user', content: 'Explain tides' }] },
      { tools: [weatherTool], messages: [{ role: 'user', content: 'What is the weather in Paris and in Rome? Use get_weather.' }] },
    ]) {
      const { events, whole } = streamOf(body);
      assert.deepEqual(accumulate(events), whole.content);
      const final = events.find((event) => event.event === 'message_delta')?.data as { delta: { stop_reason: string }; usage: { output_tokens: number } };
      assert.equal(final.delta.stop_reason, whole.stop_reason);
      assert.equal(final.usage.output_tokens, (whole.usage as { output_tokens: number }).output_tokens);
    }
  });

  it('ends thinking with an empty delta and one signature_delta', () => {
    const { events } = streamOf({ thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    const deltas = events.filter((event) => event.event === 'content_block_delta' && event.data.index === 0).map((event) => event.data.delta as Record<string, string>);
    assert.deepEqual(deltas.at(-2), { type: 'thinking_delta', thinking: '' });
    assert.equal(deltas.at(-1)?.type, 'signature_delta');
    assert.equal(deltas.filter((delta) => delta.type === 'signature_delta').length, 1);
    const thinking = deltas.filter((delta) => delta.type === 'thinking_delta').map((delta) => delta.thinking).join('');
    assert.ok(verifyThinking(thinking, deltas.at(-1)?.signature ?? ''));
  });

  it('streams tool input as fragments after an empty one, and only the empty one for a call without arguments', () => {
    const { events } = streamOf({ tools: [weatherTool], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    const fragments = events.filter((event) => event.event === 'content_block_delta').map((event) => (event.data.delta as { partial_json: string }).partial_json);
    assert.equal(fragments[0], '');
    assert.ok(fragments.length > 2);
    assert.equal(fragments.join(''), '{"city": "Paris"}');
    const noArguments = streamOf({ tools: [{ name: 'get_time', input_schema: { type: 'object', properties: {} } }], messages: [{ role: 'user', content: 'Call get_time please.' }] });
    assert.deepEqual(
      noArguments.events.filter((event) => event.event === 'content_block_delta').map((event) => event.data.delta),
      [{ type: 'input_json_delta', partial_json: '' }],
    );
  });

  it('leaves a tool call cut by max_tokens without its content_block_stop, as recorded', () => {
    const recorded = parseEvents(readConformanceText('anthropic', 'messages-tool-use-max-tokens-truncated.stream.sse'));
    assert.equal(recorded.filter((event) => event.event === 'content_block_stop').length, 1);
    const longInput = { name: 'save_note', input_schema: { type: 'object', properties: { text: { type: 'string', minLength: 400 } }, required: ['text'] } };
    const { events } = streamOf({ max_tokens: 30, tools: [longInput], messages: [{ role: 'user', content: 'Use save_note to write an essay.' }] });
    assert.equal(events.filter((event) => event.event === 'content_block_start').length, 1);
    assert.equal(events.filter((event) => event.event === 'content_block_stop').length, 0);
    assert.equal((events.at(-2)?.data.delta as { stop_reason: string }).stop_reason, 'max_tokens');
  });

  it('keeps each block start in the frame of its first delta, so an error after 0 content frames precedes every block', () => {
    const { decoded, context } = contextFor({ model: 'claude-sonnet-4-6', max_tokens: 400, messages: [{ role: 'user', content: 'hi [[tokens: 10]]' }] });
    const frames = [...renderAnthropicStream(context, decoded.options)];
    const firstContent = frames.findIndex((frame) => frame.content);
    assert.ok(frames.slice(0, firstContent).every((frame) => !frame.text.includes('content_block_start')));
    assert.ok(frames[firstContent]?.text.startsWith('event: content_block_start'));
    assert.equal(frames.reduce((sum, frame) => sum + frame.tokens, 0), 10, 'pacing covers every output token');
  });
});
