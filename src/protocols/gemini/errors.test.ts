import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, toRenderable } from '../../errors/catalogue.js';
import { decodeGeminiError, encodeGeminiError, retryDelaySeconds } from './errors.js';

/** Hand-written from the documented shape: no recorded Gemini 401/403/404/5xx body exists. */
function body(code: number, status: string, message = 'm'): unknown {
  return { error: { code, message, status } };
}

describe('gemini error decode', () => {
  it('maps the canonical status names', () => {
    const cases: Array<[number, string, string, boolean]> = [
      [400, 'INVALID_ARGUMENT', 'invalid_request', false],
      [400, 'FAILED_PRECONDITION', 'invalid_request', false],
      [401, 'UNAUTHENTICATED', 'authentication', false],
      [403, 'PERMISSION_DENIED', 'permission', false],
      [404, 'NOT_FOUND', 'not_found', false],
      [429, 'RESOURCE_EXHAUSTED', 'rate_limit', true],
      [500, 'INTERNAL', 'server_error', true],
      [503, 'UNAVAILABLE', 'overloaded', true],
      [504, 'DEADLINE_EXCEEDED', 'timeout', true],
    ];
    for (const [status, name, kind, retryable] of cases) {
      const info = decodeGeminiError(status, body(status, name), {});
      assert.deepEqual([info.kind, info.retryable, info.providerCode], [kind, retryable, name], name);
    }
  });

  it('reads JSON text, JSON-array stream bodies and non-JSON bodies', () => {
    assert.equal(decodeGeminiError(429, JSON.stringify(body(429, 'RESOURCE_EXHAUSTED', 'quota')), {}).message, 'quota');
    assert.equal(decodeGeminiError(503, [body(503, 'UNAVAILABLE', 'busy')], {}).kind, 'overloaded');
    const html = decodeGeminiError(502, '<html>Bad Gateway</html>', {});
    assert.deepEqual([html.kind, html.message, html.retryable], ['server_error', '<html>Bad Gateway</html>', true]);
    assert.equal(decodeGeminiError(500, undefined, {}).message, 'Gemini returned HTTP 500');
  });

  it('takes retryAfter from RetryInfo, else from the Retry-After header', () => {
    assert.equal(retryDelaySeconds('34.4s'), '35');
    assert.equal(retryDelaySeconds('2s'), '2');
    assert.equal(retryDelaySeconds('soon'), undefined);
    assert.equal(decodeGeminiError(429, body(429, 'RESOURCE_EXHAUSTED'), { 'retry-after': '7' }).retryAfter, '7');
  });

  it('reads the field at fault from BadRequest.fieldViolations', () => {
    const info = decodeGeminiError(400, {
      error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT', details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'contents[0]' }] }] },
    }, {});
    assert.equal(info.param, 'contents[0]');
  });
});

describe('gemini error encode', () => {
  it("renders a gateway error in Gemini's shape with the code, request id and field", () => {
    const error = new GatewayError('invalid_request', 'contents: is required', { param: 'contents' });
    const encoded = encodeGeminiError(toRenderable(error), 'req_42');
    assert.deepEqual(encoded, {
      status: 400,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      body: {
        error: {
          code: 400,
          message: 'contents: is required',
          status: 'INVALID_ARGUMENT',
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'invalid_request', domain: 'switchyard', metadata: { requestId: 'req_42' } },
            { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'contents', description: 'contents: is required' }] },
          ],
        },
      },
    });
  });

  it('adds RetryInfo and Retry-After, and renders overload as 503 UNAVAILABLE', () => {
    const encoded = encodeGeminiError({ status: 529, kind: 'overloaded', message: 'Overloaded', code: 'overloaded_error', retryAfter: '3' }, 'req');
    assert.equal(encoded.status, 503);
    assert.equal(encoded.headers['retry-after'], '3');
    const error = (encoded.body as { error: { status: string; details: Array<Record<string, unknown>> } }).error;
    assert.equal(error.status, 'UNAVAILABLE');
    assert.deepEqual(error.details.at(-1), { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' });
    const again = decodeGeminiError(encoded.status, encoded.body, encoded.headers);
    assert.deepEqual([again.kind, again.retryAfter, again.providerCode], ['overloaded', '3', 'overloaded_error']);
  });

  it('uses the canonical status name for every kind', () => {
    const names = (['invalid_request', 'authentication', 'permission', 'not_found', 'request_too_large', 'rate_limit', 'server_error', 'timeout', 'unavailable'] as const).map(
      (kind) => (encodeGeminiError({ status: 400, kind, message: 'x' }, 'r').body as { error: { status: string } }).error.status,
    );
    assert.deepEqual(names, ['INVALID_ARGUMENT', 'UNAUTHENTICATED', 'PERMISSION_DENIED', 'NOT_FOUND', 'INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED', 'INTERNAL', 'DEADLINE_EXCEEDED', 'UNAVAILABLE']);
  });
});
