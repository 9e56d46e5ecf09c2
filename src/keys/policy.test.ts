import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { keyCreateSchema, keyPatchSchema, teamCreateSchema, usdToMicros } from './policy.js';
import { KeyValidationError, validate, type ValidationIssue } from './validation.js';

function issues(run: () => unknown): ValidationIssue[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof KeyValidationError);
    return [...error.issues];
  }
  assert.fail('expected a KeyValidationError');
}

describe('team and key policy validation', () => {
  it('fills defaults: no limits, budgets in UTC alerting at 50/80/100 % and blocking', () => {
    assert.deepEqual(validate(teamCreateSchema, { name: 'platform', budgets: [{ period: 'week', limit_usd: 10 }] }), {
      name: 'platform',
      allowed_models: null,
      allowed_routes: null,
      rpm: null,
      tpm: null,
      budgets: [{ period: 'week', limit_usd: 10, timezone: 'UTC', thresholds: [0.5, 0.8, 1], on_exhausted: 'block' }],
      metadata: {},
    });
    const key = validate(keyCreateSchema, { task_budget: { max_cost_usd: 0.25, on_exceeded: { downgrade_to: 'cheap' } }, expires_at: '2026-03-01T12:00:00+01:00' });
    assert.deepEqual(key.task_budget, { max_cost_usd: 0.25, on_exceeded: { downgrade_to: 'cheap' } });
    assert.equal(key.expires_at, Date.UTC(2026, 2, 1, 11));
    assert.equal(key.team_id, null);
  });

  it('names each field at fault, with what was expected', () => {
    const found = issues(() =>
      validate(teamCreateSchema, {
        name: 'a\nb',
        allowed_models: ['anthropic/*', 'open ai/*', ''],
        rpm: 1.5,
        tpm: '100',
        budgets: [
          { period: 'daily', limit_usd: 10 },
          { period: 'month', limit_usd: 0.1234567, timezone: 'Mars/Olympus', thresholds: [0.8, 0.5] },
          { period: 'month', limit_usd: 5, on_exhausted: 'downgrade' },
          { period: 'total', limit_usd: 5, on_exhausted: { downgrade_to: 'cheap', later: true } },
        ],
        metadata: [],
        colour: 'red',
      }),
    );
    assert.deepEqual(found, [
      { path: 'name', message: 'must not contain control characters' },
      { path: 'allowed_models[1]', message: 'must not contain whitespace' },
      { path: 'allowed_models[2]', message: 'must not be empty' },
      { path: 'rpm', message: 'must be a whole number' },
      { path: 'tpm', message: 'must be a whole number' },
      { path: 'budgets[0].period', message: 'must be one of day, week, month, total' },
      { path: 'budgets[1].limit_usd', message: 'must have at most 6 decimal places (micro-dollars)' },
      { path: 'budgets[1].timezone', message: 'must be an IANA time zone such as UTC or Europe/Paris' },
      { path: 'budgets[1].thresholds', message: 'must be in increasing order without repeats' },
      { path: 'budgets[2].on_exhausted', message: 'must be "block" or { "downgrade_to": "<route>" }' },
      { path: 'budgets[3].on_exhausted.later', message: 'unknown field' },
      { path: 'metadata', message: 'must be a JSON object' },
      { path: 'colour', message: 'unknown field' },
    ]);
  });

  it('keeps one budget per period and needs a task budget to limit something', () => {
    assert.deepEqual(
      issues(() => validate(keyCreateSchema, { budgets: [{ period: 'day', limit_usd: 1 }, { period: 'day', limit_usd: 2 }], task_budget: {} })),
      [
        { path: 'budgets[1].period', message: '"day" appears twice; keep one budget per period' },
        { path: 'task_budget', message: 'needs max_tokens, max_cost_usd or both' },
      ],
    );
  });

  it('says which fields are required and refuses a body that is not an object', () => {
    assert.deepEqual(issues(() => validate(teamCreateSchema, {})), [{ path: 'name', message: 'is required' }]);
    assert.deepEqual(issues(() => validate(teamCreateSchema, [])), [{ path: '', message: 'the body must be a JSON object, got a list' }]);
    assert.deepEqual(issues(() => validate(keyCreateSchema, { budgets: [{ limit_usd: 1 }] })), [{ path: 'budgets[0].period', message: 'is required' }]);
    assert.match(new KeyValidationError([{ path: 'rpm', message: 'must be a whole number' }]).message, /^rpm: must be a whole number$/);
  });

  it('accepts expiry as ms or as an ISO time with a zone, and null to remove it', () => {
    assert.equal(validate(keyPatchSchema, { expires_at: 1_800_000_000_000 }).expires_at, 1_800_000_000_000);
    assert.equal(validate(keyPatchSchema, { expires_at: null }).expires_at, null);
    assert.deepEqual(issues(() => validate(keyPatchSchema, { expires_at: '2026-03-01' })), [
      { path: 'expires_at', message: 'must be ms since the epoch or an ISO 8601 time with a zone, e.g. 2026-01-31T00:00:00Z' },
    ]);
    assert.deepEqual(validate(keyPatchSchema, {}), {}, 'a patch changes only what it names');
  });

  it('converts budget dollars to exact micro-dollars', () => {
    assert.equal(usdToMicros(0.1), 100_000);
    assert.equal(usdToMicros(250.123456), 250_123_456);
  });
});
