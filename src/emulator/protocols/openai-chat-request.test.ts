import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConformanceJson } from '../../testing/conformance.js';
import type { EmulatorError } from '../errors.js';
import { decodeChatRequest } from './openai-chat-request.js';

function decodeError(body: unknown): EmulatorError {
  const result = decodeChatRequest(body, {});
  assert.ok(!('prompt' in result), 'expected a decode error');
  return result;
}

describe('decodeChatRequest', () => {
  it('decodes the recorded real requests', () => {
    for (const file of ['chat-tool-call.request.json', 'chat-tool-result.request.json', 'chat-image-url.request.json', 'chat-image-after-tool.request.json']) {
      const result = decodeChatRequest(readConformanceJson('openai', file), {});
      assert.ok('prompt' in result, `${file} should decode`);
    }
  });

  it('maps tools, tool results and images into the prompt', () => {
    const result = decodeChatRequest(readConformanceJson('openai', 'chat-image-url.request.json'), {});
    assert.ok('prompt' in result);
    const { prompt } = result;
    assert.equal(prompt.tools[0]?.name, 'get_file');
    assert.deepEqual(prompt.messages.map((message) => message.role), ['user', 'assistant', 'tool', 'user']);
    assert.deepEqual(prompt.messages[2]?.parts[0], { type: 'tool-result', callId: 'call_qLQ1cE6MlqfhbxeGig6LIw9D', name: 'get_file', content: 'See file 6a18c6.' });
    assert.equal(prompt.messages[3]?.parts[1]?.type, 'image');
  });

  it('reads streaming options and output limits', () => {
    const result = decodeChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true }, max_tokens: 9, max_completion_tokens: 7, n: 2, logprobs: true, top_logprobs: 2 }, {});
    assert.ok('prompt' in result);
    assert.equal(result.streaming, true);
    assert.deepEqual(result.options, { includeUsage: true, includeObfuscation: true, logprobs: true });
    assert.equal(result.prompt.maxOutputTokens, 7);
    assert.equal(result.prompt.choiceCount, 2);
    assert.equal(result.prompt.logprobsTop, 2);
  });

  it('takes the model from the route (Azure deployments)', () => {
    const result = decodeChatRequest({ messages: [{ role: 'user', content: 'hi' }] }, { model: 'gpt-5.4' });
    assert.ok('prompt' in result && result.prompt.model === 'gpt-5.4');
  });

  it('explains invalid bodies in OpenAI wording with the param path', () => {
    assert.deepEqual(pick(decodeError({ messages: [{ role: 'user', content: 'hi' }] })), ['model', 'missing_required_parameter']);
    assert.deepEqual(pick(decodeError({ model: 'm', messages: [{ role: 'user', content: 5 }] })), ['messages[0].content', 'invalid_type']);
    assert.deepEqual(pick(decodeError({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text' }] }] })), ['messages[0].content[0].text', 'missing_required_parameter']);
    assert.deepEqual(pick(decodeError({ model: 'm', messages: [{ role: 'robot', content: 'hi' }] })), ['messages[0].role', 'invalid_value']);
    assert.deepEqual(pick(decodeError({ model: 'm', messages: [{ role: 'user', content: 'hi' }], n: 0 })), ['n', 'invalid_value']);
    assert.match(decodeError({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } }).message, /only allowed when 'stream' is enabled/);
  });

  it('enforces tool message order like the real API', () => {
    const call = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
    const orphan = decodeError({ model: 'm', messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 'call_1', content: 'x' }] });
    assert.match(orphan.message, /must be a response to a preceeding message with 'tool_calls'/);
    const unanswered = decodeError({ model: 'm', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'user', content: 'and?' }] });
    assert.match(unanswered.message, /did not have response messages: call_1/);
  });
});

function pick(error: EmulatorError): [string | undefined, string | undefined] {
  return [error.param, error.code];
}
