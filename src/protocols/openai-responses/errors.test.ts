import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorKind } from '../../errors/catalogue.js';
import { classifyOpenAiErrorCode, decodeOpenAiError, encodeOpenAiError, openAiStreamErrorCode } from './errors.js';

/**
 * OpenAI error dialect (errors.ts). Bodies for 401 / 500 / 503 are hand-written from OpenAI's
 * documented shape: no permissively licensed recording exists (conformance README, "Gaps").
 */

describe('decodeOpenAiError', () => {
  it('5xx and 408/409 are retryable; a 400 is not', () => {
    const body = { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } };
    for (const status of [500, 502, 503, 504, 408, 409]) assert.equal(decodeOpenAiError(status, body, {}).retryable, true, String(status));
    assert.equal(decodeOpenAiError(400, body, {}).retryable, false);
    assert.equal(decodeOpenAiError(503, body, {}).kind, 'overloaded');
  });

  it('x-should-retry wins; retry-after-ms is rounded up to seconds; header names are case-insensitive', () => {
    const info = decodeOpenAiError(500, { error: { message: 'x', type: 'server_error' } }, { 'X-Should-Retry': 'false', 'retry-after-ms': '1500' });
    assert.equal(info.retryable, false);
    assert.equal(info.retryAfter, '2');
    assert.equal(decodeOpenAiError(400, {}, { 'x-should-retry': 'true' }).retryable, true);
  });

  it('reads raw text, JSON text, flattened and string errors from compatible servers', () => {
    assert.equal(decodeOpenAiError(502, '<html>Bad gateway</html>', {}).message, '<html>Bad gateway</html>');
    assert.equal(decodeOpenAiError(401, '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}', {}).providerCode, 'invalid_api_key');
    assert.equal(decodeOpenAiError(400, { message: 'flat', code: 'bad' }, {}).message, 'flat');
    assert.equal(decodeOpenAiError(400, { error: 'just a string' }, {}).message, 'just a string');
    assert.match(decodeOpenAiError(500, '', {}).message, /HTTP 500/);
    assert.equal(decodeOpenAiError(401, {}, {}).kind, 'authentication');
  });
});

describe('encodeOpenAiError', () => {
  const cases: Array<[ErrorKind, number, number, string]> = [
    ['invalid_request', 400, 400, 'invalid_request_error'],
    ['request_too_large', 413, 413, 'invalid_request_error'],
    ['authentication', 401, 401, 'authentication_error'],
    ['permission', 403, 403, 'permission_error'],
    ['not_found', 404, 404, 'not_found_error'],
    ['rate_limit', 429, 429, 'rate_limit_error'],
    ['overloaded', 529, 503, 'server_error'],
    ['timeout', 408, 504, 'server_error'],
    ['server_error', 500, 500, 'server_error'],
    ['unavailable', 502, 502, 'server_error'],
  ];
  for (const [kind, status, expectedStatus, type] of cases) {
    it(`${kind} (${status}) → ${expectedStatus} ${type}`, () => {
      const encoded = encodeOpenAiError({ status, kind, message: 'm' }, 'req_1');
      assert.equal(encoded.status, expectedStatus);
      const body = encoded.body as { error: { type: string; param: unknown; code: unknown; message: string } };
      assert.equal(body.error.type, type);
      assert.equal(body.error.param, null);
      assert.deepEqual(Object.keys(body.error), ['message', 'type', 'param', 'code']);
      assert.equal(encoded.headers['x-request-id'], 'req_1');
      assert.equal(encoded.headers['content-type'], 'application/json');
    });
  }

  it('an overloaded provider is named as such; retry-after is passed on', () => {
    const encoded = encodeOpenAiError({ status: 529, kind: 'overloaded', message: 'Internal capacity', retryAfter: '3' }, 'req_2');
    const body = encoded.body as { error: { message: string; code: string } };
    assert.match(body.error.message, /^The upstream provider is overloaded; retry later\. \(Internal capacity\)$/);
    assert.equal(body.error.code, 'overloaded');
    assert.equal(encoded.headers['retry-after'], '3');
  });
});

it('stream error codes classify back to their kind', () => {
  const kinds: ErrorKind[] = ['invalid_request', 'authentication', 'permission', 'not_found', 'request_too_large', 'rate_limit', 'overloaded', 'server_error', 'timeout'];
  for (const kind of kinds) assert.equal(classifyOpenAiErrorCode(openAiStreamErrorCode(kind), undefined).kind, kind);
  assert.equal(classifyOpenAiErrorCode('insufficient_quota', 'insufficient_quota').status, 429);
  assert.equal(classifyOpenAiErrorCode(undefined, undefined).status, 500);
});
