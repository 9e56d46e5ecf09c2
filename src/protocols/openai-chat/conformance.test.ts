import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { conformanceFiles, readConformanceJson, readConformanceText } from '../../testing/conformance.js';
import { openaiChatCodec as codec } from './index.js';
import { accumulate, decodeSseText } from './test-support.js';

/** Every recorded Chat Completions sample decodes, and re-encoding it gives back an equivalent message. */
const chatFiles = conformanceFiles('openai').filter((file) => file.startsWith('chat-'));
const context = { requestId: 'req_conformance', model: 'gpt-test', includeUsage: true };

function asBody(value: unknown): Record<string, unknown> {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
  return value as Record<string, unknown>;
}

describe('openai-chat conformance: recorded requests', () => {
  for (const file of chatFiles.filter((name) => name.endsWith('.request.json'))) {
    it(`${file} decodes, and decode → encode → decode is stable`, () => {
      const original = asBody(readConformanceJson('openai', file));
      const canonical = codec.decodeRequest(original);
      assert.equal(canonical.model, original.model);
      assert.equal(canonical.messages.length > 0, true);
      const encoded = codec.encodeRequest(canonical, canonical.model);
      assert.deepEqual(codec.decodeRequest(encoded), canonical);
    });

    it(`${file} re-encodes to the recorded body itself (what the real API accepted)`, () => {
      const original = asBody(readConformanceJson('openai', file));
      const encoded = codec.encodeRequest(codec.decodeRequest(original), String(original.model));
      const expected = { ...original };
      if (expected.stream === false) delete expected.stream;
      assert.deepEqual(JSON.parse(JSON.stringify(encoded)), expected);
    });
  }

  it('chat-image-after-tool: the data URL image becomes a base64 source, the tool result gets its function name', () => {
    const canonical = codec.decodeRequest(asBody(readConformanceJson('openai', 'chat-image-after-tool.request.json')));
    const tool = canonical.messages[2];
    assert.equal(tool?.role, 'tool');
    assert.equal(tool?.role === 'tool' && tool.content[0]?.toolName, 'get_file');
    const user = canonical.messages[3];
    const image = user?.role === 'user' ? user.content[1] : undefined;
    assert.equal(image?.type, 'image');
    assert.ok(image?.type === 'image' && image.source.kind === 'base64');
    assert.equal(image.source.kind === 'base64' && image.source.mediaType, 'image/jpeg');
    assert.ok(image.source.kind === 'base64' && image.source.data.startsWith('/9j/'));
  });
});

describe('openai-chat conformance: recorded responses', () => {
  for (const file of chatFiles.filter((name) => name.endsWith('.response.json'))) {
    it(`${file} decodes, and decode → encode → decode is stable`, () => {
      const original = readConformanceJson('openai', file);
      const canonical = codec.decodeResponse(original);
      assert.ok(canonical.id.startsWith('chatcmpl-'));
      assert.ok(canonical.content.length > 0);
      const encoded = codec.encodeResponse(canonical, { ...context, model: canonical.model });
      assert.deepEqual(codec.decodeResponse(encoded), canonical);
    });
  }

  it('chat-cached-tokens: cached tokens are a subset of prompt tokens, cache writes are read', () => {
    const { usage } = codec.decodeResponse(readConformanceJson('openai', 'chat-cached-tokens.response.json'));
    assert.deepEqual(usage, { inputTokens: 4020, outputTokens: 4, cachedInputTokens: 4012, cacheWriteTokens: 0, reasoningTokens: 0 });
  });

  it('chat-image-url: reasoning tokens are a subset of completion tokens', () => {
    const { usage } = codec.decodeResponse(readConformanceJson('openai', 'chat-image-url.response.json'));
    assert.equal(usage.outputTokens, 429);
    assert.equal(usage.reasoningTokens, 256);
  });
});

describe('openai-chat conformance: recorded streams', () => {
  for (const file of chatFiles.filter((name) => name.endsWith('.stream.sse'))) {
    it(`${file} decodes (whole and in 5-byte pieces) and survives encode → decode`, () => {
      const text = readConformanceText('openai', file);
      const whole = decodeSseText(text);
      assert.deepEqual(decodeSseText(text, 5), whole);
      const first = accumulate(whole);
      assert.equal(first.error, undefined);
      assert.equal(first.finishCount, 1);
      assert.deepEqual(first.unendedToolCalls, []);
      assert.ok(first.response.usage.inputTokens > 0, 'usage from the choices:[] chunk');
      const again = accumulate(decodeSseText(encodeThrough(whole)));
      assert.deepEqual(again.response.content, first.response.content);
      assert.equal(again.response.finishReason, first.response.finishReason);
      assert.deepEqual(again.response.usage, first.response.usage);
      assert.equal(again.response.id, first.response.id);
    });
  }

  it('chat-parallel-tool-calls: two calls, arguments kept apart and each valid JSON', () => {
    const { response } = accumulate(decodeSseText(readConformanceText('openai', 'chat-parallel-tool-calls.stream.sse')));
    const calls = response.content.filter((part) => part.type === 'tool-call');
    assert.equal(calls.length, 2);
    assert.deepEqual(JSON.parse(calls[0]?.type === 'tool-call' ? calls[0].arguments : ''), { city: 'Edinburgh', country: 'GB', units: 'c' });
    assert.deepEqual(JSON.parse(calls[1]?.type === 'tool-call' ? calls[1].arguments : ''), { ticker: 'AAPL', exchange: 'NASDAQ' });
    assert.equal(response.finishReason, 'tool-calls');
  });

  it('chat-n3-choices: only choice 0 reaches the canonical stream', () => {
    const { response } = accumulate(decodeSseText(readConformanceText('openai', 'chat-n3-choices.stream.sse')));
    assert.deepEqual(response.content, [{ type: 'text', text: '{"city":"San Francisco","temperature":65,"units":"f"}' }]);
  });

  it('chat-refusal: the refusal streams as refusal deltas, not text', () => {
    const parts = decodeSseText(readConformanceText('openai', 'chat-refusal.stream.sse'));
    assert.ok(parts.some((part) => part.type === 'refusal-delta'));
    assert.ok(!parts.some((part) => part.type === 'text-delta'));
  });

  it('chat-length: finish_reason length', () => {
    const { response } = accumulate(decodeSseText(readConformanceText('openai', 'chat-length.stream.sse')));
    assert.equal(response.finishReason, 'length');
  });
});

describe('openai-chat conformance: recorded errors', () => {
  const statusOf = (file: string): number => Number(/error-(\d{3})/.exec(file)?.[1] ?? '400');
  for (const file of chatFiles.filter((name) => name.includes('-error-'))) {
    it(`${file} decodes, and re-encodes to the same OpenAI error`, () => {
      const body = readConformanceJson('openai', file);
      const info = codec.decodeError(statusOf(file), body, {});
      assert.equal(info.status, statusOf(file));
      assert.ok(info.message.length > 0);
      const encoded = codec.encodeError({ status: info.status, kind: info.kind, message: info.message, code: info.providerCode, param: info.param }, 'req_1');
      const again = codec.decodeError(encoded.status, encoded.body, encoded.headers);
      assert.equal(again.message, info.message);
      assert.equal(again.param, info.param);
      assert.equal(again.retryable, info.retryable);
    });
  }

  it('chat-error-429-insufficient-quota is not retryable', () => {
    const info = codec.decodeError(429, readConformanceJson('openai', 'chat-error-429-insufficient-quota.json'), {});
    assert.equal(info.retryable, false);
    assert.equal(info.providerCode, 'insufficient_quota');
  });

  it('chat-error-400-unsupported-value keeps code and param', () => {
    const info = codec.decodeError(400, readConformanceJson('openai', 'chat-error-400-unsupported-value.json'), {});
    assert.deepEqual([info.providerCode, info.param, info.kind, info.retryable], ['unsupported_value', 'messages[0].role', 'invalid_request', false]);
  });
});

function encodeThrough(parts: ReturnType<typeof decodeSseText>): string {
  const encoder = codec.createStreamEncoder(context);
  return parts.map((part) => encoder.encode(part)).join('') + encoder.end();
}
