import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatResetDuration, rateLimitHeaderValues } from './rate-limit-headers.js';

describe('x-ratelimit headers', () => {
  it('render both families in OpenAI format', () => {
    assert.deepEqual(rateLimitHeaderValues({ requests: { limit: 60, remaining: 59, resetMs: 1000 }, tokens: { limit: 150_000, remaining: 149_984, resetMs: 6 } }), {
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '59',
      'x-ratelimit-reset-requests': '1s',
      'x-ratelimit-limit-tokens': '150000',
      'x-ratelimit-remaining-tokens': '149984',
      'x-ratelimit-reset-tokens': '6ms',
    });
    assert.deepEqual(rateLimitHeaderValues({}), {});
  });

  it('format reset durations the way OpenAI does', () => {
    assert.equal(formatResetDuration(0), '0s');
    assert.equal(formatResetDuration(0.2), '1ms');
    assert.equal(formatResetDuration(999), '999ms');
    assert.equal(formatResetDuration(1500), '1.5s');
    assert.equal(formatResetDuration(59_999), '59.999s');
    assert.equal(formatResetDuration(360_000), '6m0s');
    assert.equal(formatResetDuration(3_723_000), '1h2m3s');
  });
});
