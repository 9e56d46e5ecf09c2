import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, toRenderable, type ErrorKind } from '../../errors/catalogue.js';
import { decodeOpenAIError, decodeOpenAIStreamError, encodeOpenAIError, encodeOpenAIStreamError } from './errors.js';

describe('encodeOpenAIError', () => {
  it('uses OpenAI type names per kind', () => {
    const kinds: Array<[ErrorKind, number, string]> = [
      ['invalid_request', 400, 'invalid_request_error'],
      ['authentication', 401, 'authentication_error'],
      ['permission', 403, 'permission_error'],
      ['not_found', 404, 'not_found_error'],
      ['request_too_large', 413, 'invalid_request_error'],
      ['rate_limit', 429, 'rate_limit_error'],
      ['server_error', 500, 'server_error'],
      ['unavailable', 502, 'server_error'],
    ];
    for (const [kind, status, type] of kinds) {
      const encoded = encodeOpenAIError({ status, kind, message: 'm' });
      assert.equal(encoded.status, status);
      assert.equal(encoded.body.error.type, type, kind);
    }
  });

  it('renders a gateway error with its stable code, param and the request id header', () => {
    const error = new GatewayError('invalid_request', 'messages[0].role: expected one of …', { param: 'messages[0].role' });
    assert.deepEqual(encodeOpenAIError(toRenderable(error), 'req_7'), {
      status: 400,
      body: { error: { message: 'messages[0].role: expected one of …', type: 'invalid_request_error', param: 'messages[0].role', code: 'invalid_request' } },
      headers: { 'content-type': 'application/json', 'x-request-id': 'req_7' },
    });
  });

  it('turns an Anthropic 529 overloaded into a 503 that says the provider is overloaded', () => {
    const encoded = encodeOpenAIError({ status: 529, kind: 'overloaded', message: 'Overloaded', code: 'overloaded_error', retryAfter: '5' });
    assert.equal(encoded.status, 503);
    assert.match(encoded.body.error.message, /overloaded/i);
    assert.equal(encoded.body.error.type, 'server_error');
    assert.equal(encoded.body.error.code, 'overloaded_error');
    assert.equal(encoded.headers['retry-after'], '5');
    const plain = encodeOpenAIError({ status: 503, kind: 'overloaded', message: 'Service Unavailable' });
    assert.equal(plain.body.error.message, 'The provider is overloaded; try again later. Service Unavailable');
    assert.equal(encodeOpenAIError({ ...plain, kind: 'overloaded', message: plain.body.error.message }).body.error.message, plain.body.error.message, 'idempotent');
  });

  it('turns timeouts into 504, with null param and a code', () => {
    const encoded = encodeOpenAIError({ status: 408, kind: 'timeout', message: 'no answer in 60s' });
    assert.equal(encoded.status, 504);
    assert.deepEqual(encoded.body.error, { message: 'The provider timed out. no answer in 60s', type: 'server_error', param: null, code: 'timeout' });
  });

  it('keeps code null when there is none, and never sends an out-of-range status', () => {
    const encoded = encodeOpenAIError({ status: 200, kind: 'server_error', message: '' });
    assert.equal(encoded.status, 500);
    assert.equal(encoded.body.error.code, null);
    assert.equal(encoded.body.error.message, 'HTTP 500');
  });
});

describe('decodeOpenAIError', () => {
  const body = (type: string, code: string | null, message = 'm'): unknown => ({ error: { message, type, param: null, code } });

  it('429 rate_limit_exceeded is retryable, insufficient_quota is not', () => {
    assert.equal(decodeOpenAIError(429, body('requests', 'rate_limit_exceeded'), { 'retry-after': '2' }).retryable, true);
    assert.equal(decodeOpenAIError(429, body('requests', 'rate_limit_exceeded'), { 'Retry-After': '2' }).retryAfter, '2');
    const quota = decodeOpenAIError(429, body('insufficient_quota', 'insufficient_quota'), { 'x-should-retry': 'true' });
    assert.deepEqual([quota.retryable, quota.kind, quota.providerCode], [false, 'rate_limit', 'insufficient_quota']);
  });

  it('5xx, 408 and 409 are retryable; other 4xx are not; x-should-retry overrides', () => {
    for (const status of [500, 502, 503, 504, 408, 409]) assert.equal(decodeOpenAIError(status, body('server_error', null), {}).retryable, true, String(status));
    for (const status of [400, 401, 403, 404, 422]) assert.equal(decodeOpenAIError(status, body('invalid_request_error', null), {}).retryable, false, String(status));
    assert.equal(decodeOpenAIError(500, body('server_error', null), { 'x-should-retry': 'false' }).retryable, false);
    assert.equal(decodeOpenAIError(503, body('server_error', null), {}).kind, 'overloaded');
    assert.equal(decodeOpenAIError(401, body('invalid_request_error', 'invalid_api_key'), {}).kind, 'authentication');
  });

  it('handles an HTML 502 page from a proxy (raw text or bytes)', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
    for (const raw of [html, new TextEncoder().encode(html)]) {
      const info = decodeOpenAIError(502, raw, {});
      assert.deepEqual([info.status, info.kind, info.retryable], [502, 'server_error', true]);
      assert.equal(info.message, 'The provider returned HTTP 502 with a non-JSON body: 502 Bad Gateway');
    }
    assert.equal(decodeOpenAIError(500, '', {}).message, 'The provider returned HTTP 500 with a non-JSON body');
  });

  it('parses JSON given as text, and the OpenAI-compatible variants', () => {
    assert.equal(decodeOpenAIError(400, JSON.stringify(body('invalid_request_error', 'bad', 'text json')), {}).message, 'text json');
    const vllm = decodeOpenAIError(400, { object: 'error', message: 'max_tokens too large', type: 'BadRequestError', param: null, code: 400 }, {});
    assert.deepEqual([vllm.message, vllm.providerCode], ['max_tokens too large', 'BadRequestError']);
    assert.equal(decodeOpenAIError(500, { error: 'upstream died' }, {}).message, 'upstream died');
    assert.equal(decodeOpenAIError(429, [{ error: { code: 429, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }], {}).message, 'quota');
    assert.equal(decodeOpenAIError(429, body('requests', 'rate_limit_exceeded'), { 'retry-after-ms': '1500' }).retryAfter, '2');
  });
});

describe('OpenAI in-stream errors', () => {
  it('encodes a canonical stream error as an {error} payload (overloaded → the provider is overloaded)', () => {
    assert.deepEqual(encodeOpenAIStreamError({ status: 529, kind: 'overloaded', message: 'Overloaded' }), {
      error: { message: 'The provider is overloaded; try again later. Overloaded', type: 'server_error', param: null, code: 'overloaded' },
    });
  });

  it('decodes {error} payloads into status and kind', () => {
    assert.deepEqual(decodeOpenAIStreamError({ error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } }), {
      status: 429,
      kind: 'rate_limit',
      message: 'quota',
    });
    assert.deepEqual(decodeOpenAIStreamError({ error: { message: 'The server is overloaded', type: 'server_error' } }), {
      status: 529,
      kind: 'overloaded',
      message: 'The server is overloaded',
    });
    assert.equal(decodeOpenAIStreamError({ error: { message: 'x', code: 503 } }).status, 503);
  });
});
