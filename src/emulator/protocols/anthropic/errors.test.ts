import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emulatorError, faultError } from '../../errors.js';
import { readConformanceJson } from '../../../testing/conformance.js';
import { renderAnthropicError } from './errors.js';

interface ErrorBody {
  type: string;
  error: { type: string; message: string };
  request_id: string;
}

function rendered(error: ReturnType<typeof emulatorError>): { status: number; headers: Record<string, string>; body: ErrorBody } {
  const reply = renderAnthropicError(error);
  return { status: reply.status, headers: reply.headers, body: JSON.parse(reply.body) as ErrorBody };
}

describe('renderAnthropicError', () => {
  it('uses the recorded envelope, with the request id in body and header', () => {
    const recorded = readConformanceJson('anthropic', 'messages-error-400-tool-use-without-result.json') as ErrorBody;
    const { status, headers, body } = rendered(emulatorError('invalid-request', 400, 'messages: at least one message is required'));
    assert.equal(status, 400);
    assert.deepEqual(Object.keys(body), Object.keys(recorded));
    assert.deepEqual(Object.keys(body.error), Object.keys(recorded.error));
    assert.match(body.request_id, /^req_011C[A-Za-z0-9]{20}$/);
    assert.equal(headers['request-id'], body.request_id);
    assert.equal(headers['x-should-retry'], 'false');
  });

  it('maps each injected status to its Anthropic type, keeping the status', () => {
    const expected: Record<number, string> = {
      400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
      413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
    };
    for (const [status, type] of Object.entries(expected)) {
      const { status: sent, body, headers } = rendered(faultError({ status: Number(status) }, 'claude-sonnet-4-6'));
      assert.equal(sent, Number(status));
      assert.equal(body.error.type, type, `status ${status}`);
      assert.equal(headers['x-should-retry'], String(Number(status) === 429 || Number(status) >= 500));
    }
    assert.equal(rendered(faultError({ status: 529 }, 'm')).body.error.message, 'Overloaded');
  });

  it('says when to retry a 429, but not for a spend cap', () => {
    const limited = rendered(faultError({ status: 429, retryAfter: 7 }, 'claude-sonnet-4-6'));
    assert.equal(limited.headers['retry-after'], '7');
    const capped = rendered(faultError({ status: 429, code: 'insufficient_quota' }, 'claude-sonnet-4-6'));
    assert.equal(capped.status, 429);
    assert.equal(capped.headers['retry-after'], undefined);
    assert.equal(capped.headers['x-should-retry'], 'false');
    assert.match(capped.body.error.message, /usage limits/);
  });

  it("words model and context errors as Anthropic does", () => {
    assert.equal(rendered(emulatorError('model-not-found', 404, '', { model: 'claude-nope' })).body.error.message, 'model: claude-nope');
    assert.equal(rendered(emulatorError('context-length-exceeded', 400, '', { inputTokens: 208_310, limit: 200_000, outputTokens: 10 })).body.error.message, 'prompt is too long: 208310 tokens > 200000 maximum');
    assert.match(rendered(emulatorError('context-length-exceeded', 400, '', { inputTokens: 190_000, limit: 200_000, outputTokens: 20_000 })).body.error.message, /^input length and `max_tokens` exceed context limit: 190000 \+ 20000 > 200000/);
    assert.equal(rendered(emulatorError('output-limit-exceeded', 400, '', { outputTokens: 100_000, limit: 64_000, model: 'claude-sonnet-4-6' })).body.error.message, 'max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-6');
  });
});
