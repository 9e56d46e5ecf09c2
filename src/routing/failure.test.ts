import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { GatewayError, type ErrorCode, type ErrorKind, type UpstreamErrorInfo } from '../errors/catalogue.js';
import { backoffMs, classifyGatewayError, classifyStreamError, classifyUpstreamError, countsAgainstDeployment, retryAfterMs, type FailureClass } from './failure.js';

function upstream(status: number, overrides: Partial<UpstreamErrorInfo> = {}): UpstreamErrorInfo {
  return { status, kind: 'invalid_request', message: 'something went wrong', retryable: false, ...overrides };
}

describe('classifyUpstreamError', () => {
  const table: Array<[string, UpstreamErrorInfo, FailureClass]> = [
    ['401', upstream(401, { kind: 'authentication' }), 'credentials'],
    ['403', upstream(403, { kind: 'permission' }), 'credentials'],
    ['400 context_length_exceeded code', upstream(400, { providerCode: 'context_length_exceeded', message: 'Bad request.' }), 'context_length'],
    ['400 "prompt is too long" (Anthropic)', upstream(400, { message: 'prompt is too long: 215000 tokens > 200000 maximum' }), 'context_length'],
    ['400 "maximum context length" (OpenAI wording)', upstream(400, { message: "This model's maximum context length is 128000 tokens." }), 'context_length'],
    ['400 Gemini input token count', upstream(400, { message: 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).' }), 'context_length'],
    ['413 too many tokens', upstream(413, { kind: 'request_too_large', message: 'Too many input tokens' }), 'context_length'],
    ['400 other', upstream(400, { providerCode: 'invalid_value', message: "Invalid value for 'temperature'." }), 'caller'],
    ['404', upstream(404, { kind: 'not_found', message: 'model not found' }), 'caller'],
    ['422', upstream(422), 'caller'],
    ['429', upstream(429, { kind: 'rate_limit', retryable: true }), 'rate_limited'],
    ['429 that says the context is too long is still a rate limit', upstream(429, { kind: 'rate_limit', message: 'too many tokens per minute' }), 'rate_limited'],
    ['529', upstream(529, { kind: 'overloaded' }), 'overloaded'],
    ['503 of kind overloaded', upstream(503, { kind: 'overloaded' }), 'overloaded'],
    ['500', upstream(500, { kind: 'server_error' }), 'server'],
    ['502', upstream(502, { kind: 'server_error' }), 'server'],
    ['503', upstream(503, { kind: 'unavailable' }), 'server'],
    ['408', upstream(408, { kind: 'timeout' }), 'timeout'],
    ['504', upstream(504, { kind: 'timeout' }), 'timeout'],
    ['500 mentioning the context window is still the server', upstream(500, { kind: 'server_error', message: 'context window cache failed' }), 'server'],
  ];
  for (const [name, info, expected] of table) {
    test(name, () => assert.equal(classifyUpstreamError(info), expected));
  }
});

describe('classifyGatewayError', () => {
  const table: Array<[ErrorCode, FailureClass]> = [
    ['upstream_timeout', 'timeout'],
    ['upstream_unreachable', 'connection'],
    ['upstream_credentials', 'credentials'],
    ['upstream_bad_response', 'bad_response'],
    ['invalid_request', 'caller'],
    ['unsupported_feature', 'caller'],
    ['internal_error', 'caller'],
  ];
  for (const [code, expected] of table) {
    test(`${code} → ${expected}`, () => assert.equal(classifyGatewayError(new GatewayError(code, 'x')), expected));
  }
});

describe('classifyStreamError', () => {
  test('an error event before content is classed like the status it carries', () => {
    const table: Array<[number, ErrorKind, FailureClass]> = [
      [529, 'overloaded', 'overloaded'],
      [200, 'overloaded', 'overloaded'],
      [500, 'server_error', 'server'],
      [429, 'rate_limit', 'rate_limited'],
      [400, 'invalid_request', 'caller'],
    ];
    for (const [status, kind, expected] of table) assert.equal(classifyStreamError({ status, kind }), expected, `${status} ${kind}`);
  });
});

describe('countsAgainstDeployment', () => {
  test('only failures the deployment is to blame for', () => {
    const blamed: FailureClass[] = ['server', 'timeout', 'connection', 'overloaded', 'bad_response'];
    const notBlamed: FailureClass[] = ['caller', 'credentials', 'rate_limited', 'context_length'];
    for (const failure of blamed) assert.equal(countsAgainstDeployment(failure), true, failure);
    for (const failure of notBlamed) assert.equal(countsAgainstDeployment(failure), false, failure);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);

  test('seconds, with or without decimals', () => {
    assert.equal(retryAfterMs('5', now), 5_000);
    assert.equal(retryAfterMs('0', now), 0);
    assert.equal(retryAfterMs('1.5', now), 1_500);
    assert.equal(retryAfterMs('0.25', now), 250);
    assert.equal(retryAfterMs(' 30 ', now), 30_000);
  });

  test('HTTP dates (IMF-fixdate and RFC 850), relative to now', () => {
    assert.equal(retryAfterMs('Thu, 15 Jan 2026 12:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs(new Date(now + 90_000).toUTCString(), now), 90_000);
    assert.equal(retryAfterMs('Thursday, 15-Jan-26 12:01:00 GMT', now), 60_000);
  });

  test('a date in the past means now', () => {
    assert.equal(retryAfterMs('Thu, 15 Jan 2026 11:59:00 GMT', now), 0);
  });

  test('absent or unreadable values are undefined, never a wait of 0', () => {
    for (const value of [undefined, '', '   ', 'soon', 'later 2', 'Retry in 5', 'abc 2020', '5s', '-3', '1e3', '0x10', 'Infinity', 'NaN', '1 2']) {
      assert.equal(retryAfterMs(value, now), undefined, JSON.stringify(value));
    }
  });
});

describe('backoffMs', () => {
  test('equal jitter: between half the step and the step, the step doubling per attempt and capped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 120_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, baseMs, maxMs, draw) => {
          const step = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
          const wait = backoffMs(attempt, baseMs, maxMs, () => draw);
          assert.ok(Number.isInteger(wait), `${wait} is a whole number of ms`);
          assert.ok(wait >= step / 2, `${wait} >= ${step / 2}`);
          assert.ok(wait <= step, `${wait} <= ${step}`);
          assert.ok(wait <= maxMs, `${wait} <= max ${maxMs}`);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  test('the extremes of the random draw', () => {
    assert.equal(backoffMs(1, 200, 5_000, () => 0), 100);
    assert.equal(backoffMs(3, 200, 5_000, () => 0), 400);
    assert.equal(backoffMs(3, 200, 5_000, () => 0.999_999), 800);
    assert.equal(backoffMs(10, 200, 5_000, () => 0), 2_500, 'capped at max_backoff_ms');
    assert.equal(backoffMs(0, 200, 5_000, () => 0), 100, 'attempt 0 counts as the first');
  });
});
