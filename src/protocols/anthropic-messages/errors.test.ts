/**
 * Error mapping. Only 400 bodies were recorded (conformance.test.ts); the 429 / 529 / 5xx bodies below
 * are HAND-WRITTEN from Anthropic's documented shape (https://docs.anthropic.com/en/api/errors).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError, toRenderable, type ErrorKind } from '../../errors/catalogue.js';
import { decodeAnthropicError, encodeAnthropicError } from './errors.js';

const body = (type: string, message: string): Record<string, unknown> => ({ type: 'error', error: { type, message }, request_id: 'req_hand' });

describe('decodeError (hand-written bodies)', () => {
  test('429 with retry-after is a retryable rate limit', () => {
    const info = decodeAnthropicError(429, body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), { 'Retry-After': '17' });
    assert.deepEqual(info, {
      status: 429,
      kind: 'rate_limit',
      message: 'Number of request tokens has exceeded your per-minute rate limit',
      providerCode: 'rate_limit_error',
      retryAfter: '17',
      retryable: true,
    });
  });

  test('429 for a spend cap (no retry-after) is not retryable; a bare 429 still is', () => {
    assert.equal(decodeAnthropicError(429, body('rate_limit_error', 'You have reached your workspace spend limit'), {}).retryable, false);
    assert.equal(decodeAnthropicError(429, body('rate_limit_error', 'Rate limited'), {}).retryable, true);
  });

  test('529 overloaded is retryable; 500 api_error too; x-should-retry overrides', () => {
    const overloaded = decodeAnthropicError(529, body('overloaded_error', 'Overloaded'), {});
    assert.deepEqual([overloaded.kind, overloaded.retryable], ['overloaded', true]);
    const internal = decodeAnthropicError(500, body('api_error', 'Internal server error'), {});
    assert.deepEqual([internal.kind, internal.retryable], ['server_error', true]);
    assert.equal(decodeAnthropicError(500, body('api_error', 'x'), { 'x-should-retry': 'false' }).retryable, false);
    assert.equal(decodeAnthropicError(400, body('invalid_request_error', 'x'), { 'x-should-retry': 'true' }).retryable, true);
  });

  test('401, 403, 404, 413, 504 map to their kinds and are not retried (but 504 is)', () => {
    const cases: Array<[number, string, string, boolean]> = [
      [401, 'authentication_error', 'authentication', false],
      [403, 'permission_error', 'permission', false],
      [404, 'not_found_error', 'not_found', false],
      [413, 'request_too_large', 'request_too_large', false],
      [504, 'timeout_error', 'timeout', true],
      [402, 'billing_error', 'invalid_request', false],
    ];
    for (const [status, type, kind, retryable] of cases) {
      const info = decodeAnthropicError(status, body(type, 'm'), {});
      assert.deepEqual([info.kind, info.retryable, info.providerCode], [kind, retryable, type], type);
    }
  });

  test('a non-JSON body (a proxy page) keeps its text; retry-after-ms is read', () => {
    const info = decodeAnthropicError(502, '<html>Bad gateway</html>', { 'retry-after-ms': '1500' });
    assert.deepEqual([info.kind, info.message, info.retryAfter, info.retryable], ['server_error', '<html>Bad gateway</html>', '2', true]);
    assert.equal(decodeAnthropicError(503, undefined, {}).message, 'Anthropic returned HTTP 503');
  });

  test('the field path at the start of a message becomes param', () => {
    assert.equal(decodeAnthropicError(400, body('invalid_request_error', 'max_tokens: 100000 > 64000, the maximum'), {}).param, 'max_tokens');
  });
});

describe('encodeError', () => {
  test('gateway errors render as Anthropic bodies with request_id', () => {
    const encoded = encodeAnthropicError(toRenderable(new GatewayError('invalid_request', 'messages[0].role: bad', { param: 'messages[0].role' })), 'req_9');
    assert.deepEqual(encoded, {
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages[0].role: bad' }, request_id: 'req_9' },
      headers: { 'content-type': 'application/json', 'request-id': 'req_9' },
    });
  });

  test('kinds → Anthropic types and statuses; retry-after header passed on', () => {
    const cases: Array<[ErrorKind, number, string, number]> = [
      ['authentication', 401, 'authentication_error', 401],
      ['permission', 403, 'permission_error', 403],
      ['not_found', 404, 'not_found_error', 404],
      ['request_too_large', 413, 'request_too_large', 413],
      ['rate_limit', 429, 'rate_limit_error', 429],
      ['overloaded', 503, 'overloaded_error', 529],
      ['server_error', 502, 'api_error', 502],
      ['unavailable', 503, 'api_error', 503],
      ['timeout', 504, 'timeout_error', 504],
      ['invalid_request', 415, 'invalid_request_error', 415],
    ];
    for (const [kind, status, type, expectedStatus] of cases) {
      const encoded = encodeAnthropicError({ kind, status, message: 'm', retryAfter: '3' }, 'req_1');
      assert.equal(encoded.status, expectedStatus, kind);
      assert.deepEqual((encoded.body as { error: unknown }).error, { type, message: 'm' });
      assert.equal(encoded.headers['retry-after'], '3');
    }
  });
});
