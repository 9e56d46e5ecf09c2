import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson, readConformanceText } from '../../../testing/conformance.js';
import { SseParser } from '../../../util/sse.js';
import { completeModel } from '../../catalog.js';
import { emulatorError, faultError } from '../../errors.js';
import { generateCompletion } from '../../generate/completion.js';
import { promptTokenSequence } from '../../generate/prompt-tokens.js';
import { SeededRandom } from '../../random.js';
import type { RenderContext, StreamFrame } from '../protocol.js';
import { ReasoningVault } from './encrypted-content.js';
import { createOpenAiResponsesProtocol, type ResponsesRenderOptions } from './index.js';
import { ResponseStore } from './store.js';

type Json = Record<string, unknown>;
interface Event { name: string | undefined; data: Json }

function setup(seed = 0) {
  const store = new ResponseStore();
  const protocol = createOpenAiResponsesProtocol({ store, vault: new ReasoningVault(seed) });
  const model = completeModel('gpt-5.5', {}, undefined);
  let requestNumber = 0;
  const prepare = (body: unknown): { context: RenderContext; options: ResponsesRenderOptions } => {
    const decoded = protocol.decode(body, {});
    assert.ok('prompt' in decoded, `decode failed: ${JSON.stringify(decoded)}`);
    const inputTokens = promptTokenSequence(decoded.prompt).length;
    const generation = generateCompletion({ prompt: decoded.prompt, model, inputTokens, cachedInputTokens: 0, seed, timeScale: 0 });
    return { context: { random: new SeededRandom(++requestNumber), created: 1_778_037_176, model, generation }, options: decoded.options };
  };
  const body = (request: unknown): Json => {
    const { context, options } = prepare(request);
    return protocol.renderResponse(context, options) as Json;
  };
  const stream = (request: unknown): { events: Event[]; frames: StreamFrame[]; context: RenderContext; options: ResponsesRenderOptions } => {
    const { context, options } = prepare(request);
    const frames = [...protocol.renderStream(context, options)];
    return { events: parse(frames.map((frame) => frame.text).join('')), frames, context, options };
  };
  return { protocol, store, body, stream };
}

function parse(sse: string): Event[] {
  return new SseParser().push(sse).map((event) => ({ name: event.event, data: JSON.parse(event.data) as Json }));
}

function recordedEvents(file: string): Event[] {
  return parse(readConformanceText('openai', file));
}

function firstOfType(events: readonly Event[], type: string): Json {
  const found = events.find((event) => event.data.type === type);
  assert.ok(found, `no ${type} event`);
  return found.data;
}

const keys = (value: unknown): string[] => Object.keys(value as Json);

describe('Responses body', () => {
  it('has the recorded 2026 response object fields in the same order', () => {
    const recorded = readConformanceJson('openai', 'responses-text.response.json') as Json;
    const request = readConformanceJson('openai', 'responses-text.request.json') as Json;
    const ours = setup().body(request);
    assert.deepEqual(keys(ours), keys(recorded));
    // The recorded answer had no reasoning item (0 reasoning tokens); ours may think first.
    const message = (ours.output as Json[]).find((item) => item.type === 'message');
    const [recordedMessage] = recorded.output as Json[];
    assert.deepEqual(keys(message), keys(recordedMessage));
    assert.deepEqual(keys((message?.content as Json[])[0]), keys((recordedMessage?.content as Json[])[0]));
    assert.deepEqual(keys(ours.usage), keys(recorded.usage));
    assert.deepEqual(keys((ours.usage as Json).input_tokens_details), ['cached_tokens']);
    assert.equal(ours.model, 'gpt-5.5-2026-04-23');
    assert.equal(ours.store, false);
    assert.deepEqual(ours.reasoning, { effort: 'low', summary: null });
    assert.match(String(ours.id), /^resp_[0-9a-f]{16}01[0-9a-f]{8}[0-9a-f]{24}$/);
    assert.match(String(message?.id), new RegExp(`^msg_${String(ours.id).slice(5, 21)}01`));
  });

  it('puts a reasoning item with a summary and sealed encrypted content before the message', () => {
    const ours = setup().body({ model: 'gpt-5.5', input: 'How do I cross the street?', reasoning: { effort: 'medium', summary: 'detailed' }, include: ['reasoning.encrypted_content'] });
    const [reasoning, message] = ours.output as Json[];
    assert.deepEqual(keys(reasoning), ['id', 'type', 'encrypted_content', 'summary']);
    assert.match(String(reasoning?.id), /^rs_/);
    assert.match(String(reasoning?.encrypted_content), /^gAAAAAB[A-Za-z0-9_-]+=*$/);
    const summary = reasoning?.summary as Array<{ type: string; text: string }>;
    assert.ok(summary.length >= 1 && summary.every((part) => part.type === 'summary_text' && part.text.startsWith('**')));
    assert.equal(message?.type, 'message');
    const usage = ours.usage as { output_tokens: number; output_tokens_details: { reasoning_tokens: number } };
    assert.ok(usage.output_tokens_details.reasoning_tokens > 0 && usage.output_tokens > usage.output_tokens_details.reasoning_tokens);
  });

  it('leaves encrypted content out unless it is included', () => {
    const ours = setup().body({ model: 'gpt-5.5', input: 'hello', reasoning: { effort: 'low' } });
    assert.deepEqual(keys((ours.output as Json[])[0]), ['id', 'type', 'summary']);
  });

  it('reports an output limit as incomplete, with the cut message marked incomplete', () => {
    const ours = setup().body({ model: 'gpt-5.5', input: 'Tell me about tides [[tokens: 200]]', max_output_tokens: 20 });
    assert.equal(ours.status, 'incomplete');
    assert.deepEqual(ours.incomplete_details, { reason: 'max_output_tokens' });
    assert.equal((ours.output as Json[])[0]?.status, 'incomplete');
    assert.equal(ours.completed_at, null);
  });

  it('has no message when the whole output limit went to reasoning', () => {
    const ours = setup().body({ model: 'gpt-5.5', input: 'Tell me about tides', max_output_tokens: 16, reasoning: { effort: 'high' } });
    assert.equal(ours.status, 'incomplete');
    assert.deepEqual((ours.output as Json[]).map((item) => item.type), ['reasoning']);
  });

  it('answers a refusal hook with a refusal content part', () => {
    const ours = setup().body({ model: 'gpt-5.5', input: "[[refusal: I can't help with that.]]" });
    assert.deepEqual(((ours.output as Json[])[0]?.content as Json[])[0], { type: 'refusal', refusal: "I can't help with that." });
  });

  it('echoes a non-strict-capable tool as not strict and a capable one with additionalProperties closed', () => {
    const ours = setup().body({
      model: 'gpt-5.5', input: 'hi',
      tools: [
        { type: 'function', name: 'open', parameters: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, required: ['a'] } },
        { type: 'function', name: 'closed', description: 'x', parameters: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } },
      ],
    });
    const [open, closed] = ours.tools as Json[];
    assert.equal(open?.strict, false);
    assert.equal('additionalProperties' in (open?.parameters as Json), false);
    assert.deepEqual(closed, { type: 'function', description: 'x', name: 'closed', parameters: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false }, strict: true });
  });
});

describe('Responses stream', () => {
  it('frames a function call like the recorded traffic: same events, same fields, numbered from 0', () => {
    const recorded = recordedEvents('responses-tool-call.stream.sse');
    const request = { ...(readConformanceJson('openai', 'responses-tool-call.request.json') as Json), model: 'gpt-5.5', reasoning: undefined };
    const { events } = setup().stream(request);
    const shape = (list: Event[]) => [...new Set(list.map((event) => event.data.type as string))];
    assert.deepEqual(shape(events), shape(recorded));
    assert.ok(events.every((event) => event.name === event.data.type));
    assert.deepEqual(events.map((event) => event.data.sequence_number), events.map((_event, index) => index));
    for (const type of shape(recorded)) {
      assert.deepEqual(keys(firstOfType(events, type)), keys(firstOfType(recorded, type)), type);
    }
    assert.deepEqual(keys(firstOfType(events, 'response.output_item.added').item), keys(firstOfType(recorded, 'response.output_item.added').item));
    const deltas = events.filter((event) => event.data.type === 'response.function_call_arguments.delta').map((event) => event.data.delta as string);
    const done = firstOfType(events, 'response.function_call_arguments.done');
    assert.equal(deltas.join(''), done.arguments);
    const parsed = JSON.parse(String(done.arguments)) as { a: unknown; b: unknown };
    assert.ok(Number.isInteger(parsed.a) && Number.isInteger(parsed.b));
    // Every delta plus its padding is 16 characters long, as recorded.
    for (const event of events.filter((item) => typeof item.data.delta === 'string')) {
      assert.equal(String(event.data.delta).length + String(event.data.obfuscation).length, 16);
    }
  });

  it('frames text like the recorded traffic and ends with usage', () => {
    const recorded = recordedEvents('responses-text.stream.sse');
    const { events } = setup().stream({ model: 'gpt-5.5', input: [{ role: 'user', content: 'Reply with exactly: pong [[reply: pong]]' }], stream: true, store: false });
    assert.deepEqual(events.map((event) => event.data.type), recorded.map((event) => event.data.type));
    for (const [index, event] of events.entries()) assert.deepEqual(keys(event.data), keys(recorded[index]?.data), String(event.data.type));
    const completed = firstOfType(events, 'response.completed').response as Json;
    assert.deepEqual(keys(completed), keys(firstOfType(recorded, 'response.completed').response));
    assert.equal(firstOfType(events, 'response.output_text.done').text, 'pong');
    assert.equal((firstOfType(events, 'response.created').response as Json).service_tier, 'auto');
    assert.equal(completed.service_tier, 'default');
    assert.ok((completed.usage as { total_tokens: number }).total_tokens > 0);
  });

  it('streams reasoning summaries part by part, as recorded', () => {
    const recorded = recordedEvents('responses-reasoning-summary.stream.sse');
    const { events } = setup().stream({ model: 'gpt-5.5', input: 'How do I cross the street?', reasoning: { effort: 'high', summary: 'detailed' }, include: ['reasoning.encrypted_content'], stream: true });
    const summaryTypes = (list: Event[]) => list.map((event) => event.data.type as string).filter((type) => type.includes('reasoning_summary')).filter((type, index, all) => type !== all[index - 1]);
    assert.deepEqual(summaryTypes(events).slice(0, 4), summaryTypes(recorded).slice(0, 4));
    for (const type of ['response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta', 'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done']) {
      assert.deepEqual(keys(firstOfType(events, type)).sort(), keys(firstOfType(recorded, type)).sort(), type);
    }
    const partDone = events.filter((event) => event.data.type === 'response.reasoning_summary_part.done');
    assert.deepEqual(partDone.map((event) => event.data.summary_index), partDone.map((_event, index) => index));
    const itemDone = firstOfType(events, 'response.output_item.done').item as Json;
    assert.deepEqual((itemDone.summary as Json[]).map((part) => part.text), partDone.map((event) => (event.data.part as Json).text));
    assert.equal(typeof itemDone.encrypted_content, 'string');
    assert.equal((firstOfType(events, 'response.output_item.added').item as Json).encrypted_content, itemDone.encrypted_content);
    const message = events.filter((event) => event.data.type === 'response.output_item.added')[1]?.data;
    assert.equal(message?.output_index, 1);
  });

  it('streams a refusal in refusal events', () => {
    const { events } = setup().stream({ model: 'gpt-5.5', input: '[[refusal: No.]]', stream: true });
    assert.equal(events.filter((event) => event.data.type === 'response.refusal.delta').map((event) => event.data.delta).join(''), 'No.');
    assert.equal(firstOfType(events, 'response.refusal.done').refusal, 'No.');
  });

  it('ends with response.incomplete when the output limit cuts the answer', () => {
    const { events } = setup().stream({ model: 'gpt-5.5', input: 'Tides [[tokens: 100]]', max_output_tokens: 16, stream: true });
    const last = events.at(-1)?.data;
    assert.equal(last?.type, 'response.incomplete');
    assert.deepEqual((last?.response as Json).incomplete_details, { reason: 'max_output_tokens' });
  });

  it('fails mid-stream with an error event then response.failed, numbered on from what was sent', () => {
    const { protocol, stream } = setup();
    const { frames, context, options } = stream({ model: 'gpt-5.5', input: 'Tides [[tokens: 10]]', stream: true });
    // What serve-completion does with error_after=3: send frames up to the fourth content frame, then the error.
    let content = 0;
    let sent = '';
    for (const frame of protocol.renderStream(context, options)) {
      if (frame.content && content++ === 3) break;
      sent += frame.text;
    }
    assert.ok(frames.length > 0);
    const tail = parse(protocol.renderStreamError(faultError({ status: 500 }, 'gpt-5.5'), context, options) ?? '');
    const all = [...parse(sent), ...tail];
    assert.deepEqual(all.map((event) => event.data.sequence_number), all.map((_event, index) => index));
    assert.deepEqual(tail.map((event) => event.name), ['error', 'response.failed']);
    assert.deepEqual(keys(tail[0]?.data.error), ['type', 'code', 'message', 'param']);
    assert.equal((tail[0]?.data.error as Json).code, 'server_error');
    const failed = tail[1]?.data.response as Json;
    assert.equal(failed.status, 'failed');
    assert.equal((failed.error as Json).code, 'server_error');
    const partial = (failed.output as Json[])[0];
    const streamedText = parse(sent).filter((event) => event.data.type === 'response.output_text.delta').map((event) => event.data.delta).join('');
    assert.equal(((partial?.content as Json[])[0] as Json).text, streamedText);
  });

  it('words an insufficient_quota failure like the recorded one', () => {
    const recorded = readConformanceText('openai', 'responses-error-insufficient-quota.stream.jsonl').trim().split('\n').map((line) => JSON.parse(line) as Json);
    const { protocol, stream } = setup();
    const { context, options } = stream({ model: 'gpt-5.5', input: 'hi', stream: true });
    const tail = parse(protocol.renderStreamError(emulatorError('quota-exceeded', 429, 'quota'), context, options) ?? '');
    assert.deepEqual(tail[0]?.data.error, recorded[2]?.error);
    assert.deepEqual((tail[1]?.data.response as Json).error, (recorded[3]?.response as Json).error);
  });

  it('stores a response only when store is not false', () => {
    const { store, stream, body } = setup();
    stream({ model: 'gpt-5.5', input: 'one', stream: true, store: false });
    body({ model: 'gpt-5.5', input: 'two', store: false });
    assert.equal(store.size, 0);
    stream({ model: 'gpt-5.5', input: 'three', stream: true });
    body({ model: 'gpt-5.5', input: 'four' });
    assert.equal(store.size, 2);
  });
});
