import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanonicalMessage, CanonicalRequest, MediaSource } from '../canonical/types.js';
import { computeProfile, describeProfile, PROFILE_FIELDS, type ProfileInputs } from './profile.js';
import { estimateRequestTokens } from './token-estimate.js';

const png: MediaSource = { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' };
const pdf: MediaSource = { kind: 'url', url: 'https://example.com/report.pdf' };

const user = (text: string): CanonicalMessage => ({ role: 'user', content: [{ type: 'text', text }] });

function request(messages: CanonicalMessage[], extra: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: 'auto', stream: false, messages, ...extra };
}

function profileOf(inputs: Partial<ProfileInputs> & { request: CanonicalRequest }) {
  return computeProfile({ protocol: 'openai-chat', headers: {}, ...inputs });
}

/** An agent loop: two assistant turns with three tool calls, results with an image, a document upload. */
const agentLoop = request(
  [
    { role: 'system', content: [{ type: 'text', text: 'You are a coding agent.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Fix the failing test; screenshot and spec attached.' },
        { type: 'image', source: png },
        { type: 'document', source: pdf, title: 'spec.pdf' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Looking.' },
        { type: 'tool-call', id: 'c1', name: 'read_file', arguments: '{"path":"a.ts"}' },
        { type: 'tool-call', id: 'c2', name: 'screenshot', arguments: '{}' },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'export const a = 1;' }] },
        { type: 'tool-result', toolCallId: 'c2', content: [{ type: 'image', source: png }, { type: 'image', source: png }] },
      ],
    },
    { role: 'assistant', content: [{ type: 'tool-call', id: 'c3', name: 'run_tests', arguments: '{}' }] },
    { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c3', content: [{ type: 'text', text: '1 failing' }] }] },
  ],
  {
    tools: [
      { name: 'read_file', parameters: { type: 'object' } },
      { name: 'screenshot', parameters: { type: 'object' } },
      { name: 'run_tests', parameters: { type: 'object' } },
    ],
  },
);

describe('computeProfile: counting the conversation', () => {
  test('images (also inside tool results), documents, tools, turns and tool calls', () => {
    const profile = profileOf({ request: agentLoop });
    assert.equal(profile.images, 3);
    assert.equal(profile.documents, 1);
    assert.equal(profile.tools, 3);
    assert.equal(profile.messages, 6);
    assert.deepEqual(profile.trace, { turns: 2, toolCalls: 3, tokens: 0 });
    assert.equal(profile.inputTokens, estimateRequestTokens(agentLoop));
  });

  test('a plain first message has nothing to count', () => {
    const profile = profileOf({ request: request([user('hello')]) });
    assert.deepEqual(
      { images: profile.images, documents: profile.documents, tools: profile.tools, messages: profile.messages, trace: profile.trace },
      { images: 0, documents: 0, tools: 0, messages: 1, trace: { turns: 0, toolCalls: 0, tokens: 0 } },
    );
  });

  test('request settings: output cap, stream, reasoning, structured output', () => {
    const plain = profileOf({ request: request([user('x')]) });
    assert.deepEqual([plain.maxOutputTokens, plain.stream, plain.reasoning, plain.structuredOutput], [0, false, false, false]);
    const set = profileOf({
      request: request([user('x')], { maxOutputTokens: 2_048, stream: true, reasoning: { effort: 'high' }, responseFormat: { type: 'json' } }),
    });
    assert.deepEqual([set.maxOutputTokens, set.stream, set.reasoning, set.structuredOutput], [2_048, true, true, true]);
    const off = (reasoning: CanonicalRequest['reasoning'], responseFormat: CanonicalRequest['responseFormat']) =>
      profileOf({ request: request([user('x')], { reasoning, responseFormat }) });
    assert.equal(off({ effort: 'none' }, { type: 'text' }).reasoning, false, 'effort none is no reasoning');
    assert.equal(off({ budgetTokens: 0 }, undefined).reasoning, false, 'a zero budget is no reasoning');
    assert.equal(off({ budgetTokens: 1_024 }, undefined).reasoning, true);
    assert.equal(off(undefined, { type: 'text' }).structuredOutput, false);
    assert.equal(off(undefined, { type: 'json-schema', name: 'x', schema: {} }).structuredOutput, true);
  });

  test('protocol and session come from the call', () => {
    const profile = profileOf({ request: request([user('x')]), protocol: 'gemini', headers: { 'x-switchyard-session': 'run-7' } });
    assert.equal(profile.protocol, 'gemini');
    assert.equal(profile.session, 'run-7');
    assert.equal(profileOf({ request: request([user('x')]) }).session, '');
  });
});

describe('computeProfile: task and latency', () => {
  test('the task header wins over metadata.task; both are lower-cased', () => {
    const withMetadata = request([user('x')], { metadata: { task: 'Coding' } });
    assert.equal(profileOf({ request: withMetadata }).task, 'coding');
    assert.equal(profileOf({ request: withMetadata, headers: { 'x-switchyard-task': 'REVIEW' } }).task, 'review');
    assert.equal(profileOf({ request: request([user('x')]) }).task, '');
  });

  test('latency classes are read case-insensitively; anything else is interactive', () => {
    const latency = (value: string | undefined) => profileOf({ request: request([user('x')]), headers: { 'x-switchyard-latency': value } }).latency;
    assert.equal(latency('realtime'), 'realtime');
    assert.equal(latency('BATCH'), 'batch');
    assert.equal(latency('Interactive'), 'interactive');
    assert.equal(latency('fast'), 'interactive');
    assert.equal(latency(''), 'interactive');
    assert.equal(latency(undefined), 'interactive');
  });
});

describe('computeProfile: the trace so far', () => {
  test('a recorded trace that has seen at least as many turns wins', () => {
    const recorded = { turns: 2, toolCalls: 9, tokens: 50_000 };
    assert.deepEqual(profileOf({ request: agentLoop, recorded }).trace, recorded, 'equal turns: the record knows the tokens');
    const longer = { turns: 30, toolCalls: 80, tokens: 900_000 };
    assert.deepEqual(profileOf({ request: agentLoop, recorded: longer }).trace, longer, 'a client that trims its history');
  });

  test('the conversation wins over a record that has seen fewer turns', () => {
    const stale = { turns: 1, toolCalls: 1, tokens: 10 };
    assert.deepEqual(profileOf({ request: agentLoop, recorded: stale }).trace, { turns: 2, toolCalls: 3, tokens: 0 });
  });

  test('trace.tool_calls_per_turn divides tool calls by turns, 0 before the first turn', () => {
    const perTurn = PROFILE_FIELDS['trace.tool_calls_per_turn']!;
    assert.equal(perTurn.type, 'number');
    assert.equal(perTurn.read(profileOf({ request: agentLoop })), 1.5);
    assert.equal(perTurn.read(profileOf({ request: agentLoop, recorded: { turns: 8, toolCalls: 20, tokens: 0 } })), 2.5);
    assert.equal(perTurn.read(profileOf({ request: request([user('x')]) })), 0);
  });
});

describe('describeProfile', () => {
  test('shows every field under the name rules use', () => {
    const described = describeProfile(profileOf({ request: agentLoop, headers: { 'x-switchyard-task': 'coding', 'x-switchyard-latency': 'batch' } }));
    assert.deepEqual(Object.keys(described), Object.keys(PROFILE_FIELDS));
    assert.equal(described.task, 'coding');
    assert.equal(described.latency, 'batch');
    assert.equal(described.images, 3);
    assert.equal(described['trace.turns'], 2);
    assert.equal(described['trace.tool_calls_per_turn'], 1.5);
  });
});
