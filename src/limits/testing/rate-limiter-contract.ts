import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { RateLimitAdmitted, RateLimitDecision, RateLimiter, RateLimiterOptions, RateLimitRefused } from '../rate-limiter.js';
import type { TestBackend } from './backends.js';

const T0 = Date.UTC(2025, 0, 1, 12);
const MINUTE = 60_000;

function admitted(decision: RateLimitDecision): RateLimitAdmitted {
  assert.equal(decision.admitted, true, `expected admission, got ${JSON.stringify(decision)}`);
  return decision as RateLimitAdmitted;
}

function refused(decision: RateLimitDecision): RateLimitRefused {
  assert.equal(decision.admitted, false, `expected refusal, got ${JSON.stringify(decision)}`);
  return decision as RateLimitRefused;
}

/** A scope id no other test uses, so tests sharing a store never see each other's counts. */
function scope(name: string): string {
  return `${name}:${randomUUID()}`;
}

/** The behaviour every rate limiter store must have; run once per store. */
export function rateLimiterContract(backend: TestBackend<RateLimiter, RateLimiterOptions>): void {
  let limiter: RateLimiter;
  before(async () => {
    await backend.connect?.();
    limiter = backend.create();
  });
  after(() => backend.dispose());

  it('admits up to rpm in a window, then refuses naming the scope and when to retry', async () => {
    const key = scope('key');
    for (let index = 0; index < 3; index += 1) admitted(await limiter.check([{ id: key, rpm: 3 }], 0, T0 + index * 10_000));
    const refusal = refused(await limiter.check([{ id: key, rpm: 3 }], 0, T0 + 30_000));
    assert.equal(refusal.scopeId, key);
    assert.equal(refusal.limit, 'rpm');
    assert.equal(refusal.retryAfterMs, 30_000, 'the request at T0 leaves the window at T0 + 60 s');
    assert.equal(refusal.requestTooLarge, false);
    assert.deepEqual(refusal.headers.requests, { limit: 3, remaining: 0, resetMs: 30_000 });
  });

  it('slides: a request counts for exactly one window length after it was admitted', async () => {
    const key = scope('key');
    admitted(await limiter.check([{ id: key, rpm: 2 }], 0, T0));
    admitted(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + 20_000));
    assert.equal(refused(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + MINUTE - 1)).retryAfterMs, 1);
    admitted(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + MINUTE));
    const refusal = refused(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + MINUTE + 1));
    assert.equal(refusal.retryAfterMs, 20_000 - 1, 'next to leave is the request at T0 + 20 s');
  });

  it('reserves estimated tokens against tpm and refuses what would exceed it', async () => {
    const key = scope('key');
    const first = admitted(await limiter.check([{ id: key, tpm: 1000 }], 600, T0));
    assert.deepEqual(first.headers.tokens, { limit: 1000, remaining: 400, resetMs: MINUTE });
    admitted(await limiter.check([{ id: key, tpm: 1000 }], 300, T0 + 5_000));
    const refusal = refused(await limiter.check([{ id: key, tpm: 1000 }], 200, T0 + 10_000));
    assert.equal(refusal.limit, 'tpm');
    assert.equal(refusal.retryAfterMs, 50_000, 'freeing the first 600 tokens is enough');
    assert.deepEqual(refusal.headers.tokens, { limit: 1000, remaining: 100, resetMs: 50_000 });
  });

  it('needs as many of the oldest requests to leave as it takes to free the excess', async () => {
    const key = scope('key');
    for (let index = 0; index < 4; index += 1) admitted(await limiter.check([{ id: key, tpm: 400 }], 100, T0 + index * 1_000));
    assert.equal(refused(await limiter.check([{ id: key, tpm: 400 }], 250, T0 + 10_000)).retryAfterMs, MINUTE + 2_000 - 10_000);
  });

  it('settleTokens replaces the estimate with the actual count', async () => {
    const key = scope('key');
    const first = admitted(await limiter.check([{ id: key, tpm: 1000 }], 900, T0));
    refused(await limiter.check([{ id: key, tpm: 1000 }], 200, T0 + 1));
    await limiter.settleTokens(first.handle, 150);
    const second = admitted(await limiter.check([{ id: key, tpm: 1000 }], 200, T0 + 2));
    assert.equal(second.headers.tokens?.remaining, 650);
    // Actual above the estimate is recorded too.
    await limiter.settleTokens(second.handle, 900);
    assert.equal(refused(await limiter.check([{ id: key, tpm: 1000 }], 0, T0 + 3)).headers.tokens?.remaining, 0);
  });

  it('settling a request that has left the window changes nothing', async () => {
    const key = scope('key');
    const old = admitted(await limiter.check([{ id: key, tpm: 1000 }], 500, T0));
    admitted(await limiter.check([{ id: key, tpm: 1000 }], 100, T0 + MINUTE + 1));
    await limiter.settleTokens(old.handle, 5_000);
    assert.equal(admitted(await limiter.check([{ id: key, tpm: 1000 }], 100, T0 + MINUTE + 2)).headers.tokens?.remaining, 800);
  });

  it('refuses an estimate larger than the whole tpm as too large', async () => {
    const key = scope('key');
    const refusal = refused(await limiter.check([{ id: key, tpm: 1000 }], 1001, T0));
    assert.equal(refusal.requestTooLarge, true);
    assert.equal(refusal.limit, 'tpm');
    admitted(await limiter.check([{ id: key, tpm: 1000 }], 1000, T0));
  });

  it('counts a request in every scope or in none, and names the first exhausted scope', async () => {
    const key = scope('key');
    const team = scope('team');
    const deployment = scope('deployment');
    const scopes = [{ id: key, rpm: 10 }, { id: team, rpm: 2 }, { id: deployment, rpm: 2, tpm: 100 }];
    admitted(await limiter.check(scopes, 10, T0));
    admitted(await limiter.check(scopes, 10, T0 + 1));
    const refusal = refused(await limiter.check(scopes, 10, T0 + 2));
    assert.equal(refusal.scopeId, team, 'team comes before deployment, both exhausted');
    // The refused request was counted nowhere: the key alone still has 8 left.
    const alone = admitted(await limiter.check([{ id: key, rpm: 10 }], 0, T0 + 3));
    assert.equal(alone.headers.requests?.remaining, 7);
    const otherTeam = refused(await limiter.check([{ id: key, rpm: 10 }, { id: deployment, rpm: 5, tpm: 100 }], 90, T0 + 4));
    assert.equal(otherTeam.scopeId, deployment);
    assert.equal(otherTeam.limit, 'tpm');
  });

  it('reports, per dimension, the scope with the least remaining', async () => {
    const key = scope('key');
    const team = scope('team');
    admitted(await limiter.check([{ id: team, rpm: 5, tpm: 10_000 }], 4_000, T0));
    const decision = admitted(await limiter.check([{ id: key, rpm: 100, tpm: 5_000 }, { id: team, rpm: 5, tpm: 10_000 }], 1_000, T0 + 15_000));
    assert.deepEqual(decision.headers, {
      requests: { limit: 5, remaining: 3, resetMs: 45_000 },
      tokens: { limit: 5_000, remaining: 4_000, resetMs: MINUTE },
    });
    assert.equal(decision.at, T0 + 15_000);
  });

  it('admits scopes without limits, and rpm 0 blocks', async () => {
    const unlimited = admitted(await limiter.check([{ id: scope('open') }], 1_000_000, T0));
    assert.deepEqual(unlimited.headers, {});
    const blocked = refused(await limiter.check([{ id: scope('blocked'), rpm: 0 }], 0, T0));
    assert.equal(blocked.limit, 'rpm');
    assert.equal(blocked.retryAfterMs, MINUTE);
    admitted(await limiter.check([], 10, T0));
  });

  it('moves a caller whose clock lags (within the skew allowance) forward, so the window never slides back', async () => {
    const key = scope('key');
    admitted(await limiter.check([{ id: key, rpm: 2 }], 0, T0));
    assert.equal(admitted(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + MINUTE + 500)).at, T0 + MINUTE + 500);
    // A replica 400 ms behind is counted at the latest time the scope has seen, not its own.
    const lagging = admitted(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + MINUTE + 100));
    assert.equal(lagging.at, T0 + MINUTE + 500);
    refused(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + MINUTE + 600));
    // A clock far behind (beyond the allowance) keeps its own time.
    const far = refused(await limiter.check([{ id: key, rpm: 2 }], 0, T0 + MINUTE - 5_000));
    assert.equal(far.headers.requests?.resetMs, MINUTE + 5_500, 'reset measured from its own clock');
    // Its admissions still sit in time order: the scope expires them before newer ones.
    const other = scope('key');
    admitted(await limiter.check([{ id: other, rpm: 2 }], 0, T0 + 10_000));
    admitted(await limiter.check([{ id: other, rpm: 2 }], 0, T0));
    const next = refused(await limiter.check([{ id: other, rpm: 2 }], 0, T0 + 10_001));
    assert.equal(next.retryAfterMs, MINUTE - 10_001, 'the T0 request leaves first');
    admitted(await limiter.check([{ id: other, rpm: 2 }], 0, T0 + MINUTE));
  });

  it('settling an uncounted handle does nothing, and bad input is refused before touching the store', async () => {
    await limiter.settleTokens({ id: 'none', scopeIds: [scope('key')], estimatedTokens: 5, counted: false }, 10);
    const key = scope('key');
    await assert.rejects(limiter.check([{ id: key }, { id: key }], 0, T0), RangeError);
    await assert.rejects(limiter.check([{ id: key, rpm: -1 }], 0, T0), RangeError);
    await assert.rejects(limiter.check([{ id: key }], 1.5, T0), RangeError);
  });

  it('keeps scopes with awkward ids apart', async () => {
    const base = scope('key');
    admitted(await limiter.check([{ id: `${base}:log`, rpm: 1 }], 0, T0));
    admitted(await limiter.check([{ id: base, rpm: 1 }], 0, T0));
    admitted(await limiter.check([{ id: `${base} ünïcode/%`, rpm: 1 }], 0, T0));
    refused(await limiter.check([{ id: base, rpm: 1 }], 0, T0));
  });
}
