import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planBudget, thresholdMicros, wouldExceed } from './budget-plan.js';

describe('budget plan', () => {
  it('puts thresholds at fraction × limit rounded up, exactly', () => {
    assert.equal(thresholdMicros(100, 0.8), 80);
    assert.equal(thresholdMicros(100, 0.5), 50);
    assert.equal(thresholdMicros(3, 0.5), 2);
    assert.equal(thresholdMicros(10_000_000_000, 1), 10_000_000_000);
    assert.equal(thresholdMicros(0, 0.8), 1, 'a zero limit alerts on the first micro-dollar, not on nothing');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 13 }), fc.integer({ min: 1, max: 2_000_000 }), (limit, partsPerMillion) => {
        const micros = thresholdMicros(limit, partsPerMillion / 1_000_000);
        // micros is the least integer with micros × 10^6 >= limit × ppm.
        assert.ok(BigInt(micros) * 1_000_000n >= BigInt(limit) * BigInt(partsPerMillion));
        assert.ok(BigInt(micros - 1) * 1_000_000n < BigInt(limit) * BigInt(partsPerMillion));
      }),
    );
  });

  it('names each window by period, zone and start, so a new window starts a new counter', () => {
    const now = Date.UTC(2025, 5, 4, 12);
    assert.equal(planBudget({ period: 'day', limitMicros: 1, timezone: 'Europe/Paris' }, now).windowId, `day:Europe%2FParis:${Date.UTC(2025, 5, 3, 22)}`);
    assert.equal(planBudget({ period: 'total', limitMicros: 1, timezone: 'Europe/Paris' }, now).windowId, 'total');
  });

  it('admits only while spent + reserved + estimate stays within the limit', () => {
    assert.equal(wouldExceed(100, 50, 30, 20), false);
    assert.equal(wouldExceed(100, 50, 30, 21), true);
    assert.equal(wouldExceed(100, 100, 0, 0), true, 'an exhausted budget refuses even free requests');
    assert.equal(wouldExceed(0, 0, 0, 0), true);
  });
});
