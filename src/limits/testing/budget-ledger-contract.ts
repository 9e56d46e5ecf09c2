import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { Budget, BudgetDecision, BudgetExceeded, BudgetLedger, BudgetLedgerOptions, BudgetReservation } from '../budget-ledger.js';
import type { TestBackend } from './backends.js';

/** Wednesday 2025-06-04 12:00 UTC. */
const T0 = Date.UTC(2025, 5, 4, 12);
const HOUR = 3_600_000;
const DOLLAR = 1_000_000;
const TTL = 60_000;

const daily = (limitMicros: number, thresholds?: number[]): Budget => ({ period: 'day', limitMicros, timezone: 'UTC', ...(thresholds ? { thresholds } : {}) });
const monthly = (limitMicros: number): Budget => ({ period: 'month', limitMicros, timezone: 'UTC' });

function reservation(decision: BudgetDecision): BudgetReservation {
  assert.equal(decision.admitted, true, `expected admission, got ${JSON.stringify(decision)}`);
  return (decision as { reservation: BudgetReservation }).reservation;
}

function refusal(decision: BudgetDecision): BudgetExceeded {
  assert.equal(decision.admitted, false, `expected refusal, got ${JSON.stringify(decision)}`);
  return (decision as { exceeded: BudgetExceeded }).exceeded;
}

function scope(name: string): string {
  return `${name}:${randomUUID()}`;
}

/** The behaviour every budget ledger store must have; run once per store. */
export function budgetLedgerContract(backend: TestBackend<BudgetLedger, BudgetLedgerOptions>): void {
  let ledger: BudgetLedger;
  before(async () => {
    await backend.connect?.();
    ledger = backend.create({ reservationTtlMs: TTL });
  });
  after(() => backend.dispose());

  it('reserves an estimate, then settle turns the reserve into spend', async () => {
    const key = scope('key');
    const budgets = [daily(10 * DOLLAR)];
    const held = reservation(await ledger.reserve([{ id: key, budgets }], 2 * DOLLAR, T0));
    assert.equal(held.estimateMicros, 2 * DOLLAR);
    assert.equal(held.expiresAt, T0 + TTL);
    assert.deepEqual(await ledger.status(key, budgets, T0), [
      { period: 'day', timezone: 'UTC', limitMicros: 10 * DOLLAR, spentMicros: 0, reservedMicros: 2 * DOLLAR, windowStart: Date.UTC(2025, 5, 4), resetsAt: Date.UTC(2025, 5, 5) },
    ]);
    assert.deepEqual(await ledger.settle(held, 1_234_567, T0 + 1), { crossed: [] });
    const [status] = await ledger.status(key, budgets, T0 + 2);
    assert.equal(status?.spentMicros, 1_234_567);
    assert.equal(status?.reservedMicros, 0);
  });

  it('refuses when spent + reserved + estimate would pass the limit, naming the budget', async () => {
    const key = scope('key');
    const budgets = [monthly(100 * DOLLAR), daily(10 * DOLLAR)];
    await ledger.settle(reservation(await ledger.reserve([{ id: key, budgets }], 0, T0)), 6 * DOLLAR, T0);
    reservation(await ledger.reserve([{ id: key, budgets }], 3 * DOLLAR, T0 + 1));
    reservation(await ledger.reserve([{ id: key, budgets }], DOLLAR, T0 + 2));
    const exceeded = refusal(await ledger.reserve([{ id: key, budgets }], 1, T0 + 3));
    assert.deepEqual(exceeded, {
      scopeId: key,
      period: 'day',
      timezone: 'UTC',
      limitMicros: 10 * DOLLAR,
      spentMicros: 6 * DOLLAR,
      reservedMicros: 4 * DOLLAR,
      resetsAt: Date.UTC(2025, 5, 5),
    });
  });

  it('reserves in every scope or in none, and names the first scope that refuses', async () => {
    const key = scope('key');
    const team = scope('team');
    const org = scope('org');
    const scopes = [
      { id: key, budgets: [daily(100)] },
      { id: team, budgets: [daily(50)] },
      { id: org, budgets: [daily(50)] },
    ];
    reservation(await ledger.reserve(scopes, 40, T0));
    assert.equal(refusal(await ledger.reserve(scopes, 20, T0)).scopeId, team);
    assert.equal((await ledger.status(key, [daily(100)], T0))[0]?.reservedMicros, 40, 'the refused reserve was not held in the key');
  });

  it('records actual spend above the estimate and past the limit, then refuses everything', async () => {
    const key = scope('key');
    const budgets = [daily(100, [1])];
    const held = reservation(await ledger.reserve([{ id: key, budgets }], 10, T0));
    const settled = await ledger.settle(held, 250, T0);
    assert.deepEqual(settled.crossed.map((crossing) => [crossing.threshold, crossing.spentMicros]), [[1, 250]]);
    assert.equal((await ledger.status(key, budgets, T0))[0]?.spentMicros, 250);
    const exceeded = refusal(await ledger.reserve([{ id: key, budgets }], 0, T0));
    assert.equal(exceeded.spentMicros, 250);
  });

  it('release frees the reserve; a second settle or release does nothing', async () => {
    const key = scope('key');
    const budgets = [daily(100)];
    const held = reservation(await ledger.reserve([{ id: key, budgets }], 100, T0));
    refusal(await ledger.reserve([{ id: key, budgets }], 1, T0));
    await ledger.release(held);
    assert.equal((await ledger.status(key, budgets, T0))[0]?.reservedMicros, 0);
    await ledger.settle(held, 30, T0);
    assert.equal((await ledger.status(key, budgets, T0))[0]?.spentMicros, 0, 'a released reservation settles nothing');
    const second = reservation(await ledger.reserve([{ id: key, budgets }], 50, T0));
    await ledger.settle(second, 30, T0);
    await ledger.settle(second, 30, T0);
    await ledger.release(second);
    assert.deepEqual((await ledger.status(key, budgets, T0)).map((status) => [status.spentMicros, status.reservedMicros]), [[30, 0]]);
  });

  it('frees an unsettled reservation after its TTL; a late settle still records the spend once', async () => {
    const key = scope('key');
    const budgets = [daily(100)];
    reservation(await ledger.reserve([{ id: key, budgets }], 80, T0)); // never settled: its replica died
    const late = reservation(await ledger.reserve([{ id: key, budgets }], 20, T0 + 10));
    refusal(await ledger.reserve([{ id: key, budgets }], 1, T0 + TTL - 1));
    assert.equal((await ledger.status(key, budgets, T0 + TTL))[0]?.reservedMicros, 20, 'the first reserve expired at T0 + TTL');
    reservation(await ledger.reserve([{ id: key, budgets }], 1, T0 + TTL));
    await ledger.settle(late, 15, T0 + TTL + 100);
    const [status] = await ledger.status(key, budgets, T0 + TTL + 100);
    assert.deepEqual([status?.spentMicros, status?.reservedMicros], [15, 1], 'the late settle freed only its own reserve');
  });

  it('starts each window from zero: day at midnight, week on Monday, month on the 1st; total never resets', async () => {
    const key = scope('key');
    const budgets: Budget[] = [daily(DOLLAR), { period: 'week', limitMicros: DOLLAR, timezone: 'UTC' }, monthly(DOLLAR), { period: 'total', limitMicros: DOLLAR, timezone: 'UTC' }];
    await ledger.settle(reservation(await ledger.reserve([{ id: key, budgets }], 0, T0)), 100, T0);
    const spentAt = async (now: number): Promise<number[]> => (await ledger.status(key, budgets, now)).map((status) => status.spentMicros);
    assert.deepEqual(await spentAt(T0), [100, 100, 100, 100]);
    assert.deepEqual(await spentAt(Date.UTC(2025, 5, 5)), [0, 100, 100, 100], 'Thursday');
    assert.deepEqual(await spentAt(Date.UTC(2025, 5, 9)), [0, 0, 100, 100], 'next Monday');
    assert.deepEqual(await spentAt(Date.UTC(2025, 6, 1)), [0, 0, 0, 100], 'July');
    const [, , , total] = await ledger.status(key, budgets, Date.UTC(2030, 0, 1));
    assert.deepEqual([total?.spentMicros, total?.windowStart, total?.resetsAt], [100, 0, null]);
  });

  it('follows the budget time zone: 16:00 UTC is already tomorrow in Tokyo', async () => {
    const key = scope('key');
    const tokyo: Budget = { period: 'day', limitMicros: DOLLAR, timezone: 'Asia/Tokyo' };
    const utc = daily(DOLLAR);
    await ledger.settle(reservation(await ledger.reserve([{ id: key, budgets: [tokyo, utc] }], 0, T0)), 10, T0);
    await ledger.settle(reservation(await ledger.reserve([{ id: key, budgets: [tokyo, utc] }], 0, T0 + 4 * HOUR)), 20, T0 + 4 * HOUR);
    const statuses = await ledger.status(key, [tokyo, utc], T0 + 4 * HOUR);
    assert.deepEqual(statuses.map((status) => [status.spentMicros, status.resetsAt]), [
      [20, Date.UTC(2025, 5, 5, 15)],
      [30, Date.UTC(2025, 5, 5)],
    ]);
  });

  it('reports each threshold once per window, all those one call crosses, again in the next window', async () => {
    const key = scope('key');
    const budgets = [daily(100, [0.5, 0.8, 1])];
    const spend = async (micros: number, now: number): Promise<number[]> => {
      const held = reservation(await ledger.reserve([{ id: key, budgets }], 0, now));
      return (await ledger.settle(held, micros, now)).crossed.map((crossing) => crossing.threshold);
    };
    assert.deepEqual(await spend(49, T0), []);
    assert.deepEqual(await spend(1, T0), [0.5]);
    assert.deepEqual(await spend(29, T0), []);
    assert.deepEqual(await spend(1, T0), [0.8], '0.8 × 100 is exactly 80, not 81');
    const crossed = (await ledger.settle(reservation(await ledger.reserve([{ id: key, budgets }], 0, T0)), 0, T0)).crossed;
    assert.deepEqual(crossed, [], 'a zero-cost settle crosses nothing');
    const tomorrow = T0 + 24 * HOUR;
    const all = await ledger.settle(reservation(await ledger.reserve([{ id: key, budgets }], 0, tomorrow)), 120, tomorrow);
    assert.deepEqual(all.crossed, [0.5, 0.8, 1].map((threshold) => ({ scopeId: key, period: 'day', timezone: 'UTC', threshold, limitMicros: 100, spentMicros: 120, resetsAt: Date.UTC(2025, 5, 6) })));
  });

  it('measures thresholds afresh when config changes the limit mid-window', async () => {
    const key = scope('key');
    const spend = async (limit: number, micros: number): Promise<number[]> => {
      const budgets = [daily(limit, [0.5, 0.8])];
      const held = reservation(await ledger.reserve([{ id: key, budgets }], 0, T0));
      return (await ledger.settle(held, micros, T0)).crossed.map((crossing) => crossing.threshold);
    };
    assert.deepEqual(await spend(100, 80), [0.5, 0.8]);
    assert.deepEqual(await spend(200, 20), [0.5], '100 of the new 200');
    assert.deepEqual(await spend(200, 60), [0.8]);
  });

  it('counts the reserve of a scope against each of its budgets, and a zero limit blocks', async () => {
    const key = scope('key');
    const budgets = [monthly(1000), daily(100)];
    reservation(await ledger.reserve([{ id: key, budgets }], 90, T0));
    const exceeded = refusal(await ledger.reserve([{ id: key, budgets }], 20, T0));
    assert.deepEqual([exceeded.period, exceeded.reservedMicros], ['day', 90]);
    refusal(await ledger.reserve([{ id: scope('blocked'), budgets: [daily(0)] }], 0, T0));
    reservation(await ledger.reserve([{ id: scope('unbudgeted'), budgets: [] }], 10 ** 12, T0));
    assert.deepEqual(await ledger.status(scope('idle'), [daily(5)], T0), [
      { period: 'day', timezone: 'UTC', limitMicros: 5, spentMicros: 0, reservedMicros: 0, windowStart: Date.UTC(2025, 5, 4), resetsAt: Date.UTC(2025, 5, 5) },
    ]);
  });

  it('refuses malformed input before touching the store', async () => {
    const key = scope('key');
    await assert.rejects(ledger.reserve([{ id: key, budgets: [] }, { id: key, budgets: [] }], 1, T0), RangeError);
    await assert.rejects(ledger.reserve([{ id: key, budgets: [daily(5), daily(6)] }], 1, T0), RangeError);
    await assert.rejects(ledger.reserve([{ id: key, budgets: [daily(5)] }], 0.5, T0), RangeError);
    await assert.rejects(ledger.reserve([{ id: key, budgets: [daily(-5)] }], 1, T0), RangeError);
    await assert.rejects(ledger.reserve([{ id: key, budgets: [daily(5, [0])] }], 1, T0), RangeError);
    await assert.rejects(ledger.reserve([{ id: key, budgets: [{ period: 'day', limitMicros: 5, timezone: 'Nowhere/Atlantis' }] }], 1, T0), RangeError);
    const held = reservation(await ledger.reserve([{ id: key, budgets: [daily(5)] }], 1, T0));
    await assert.rejects(ledger.settle(held, -1, T0), RangeError);
  });
}
