import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultDice, parseFaultHeader } from './faults.js';

describe('parseFaultHeader', () => {
  it('reads status, retry_after, rate and flags', () => {
    assert.deepEqual(parseFaultHeader('status=429; retry_after=2'), { spec: { status: 429, retryAfter: 2 } });
    assert.deepEqual(parseFaultHeader('status=500, rate=0.3'), { spec: { status: 500, rate: 0.3 } });
    assert.deepEqual(parseFaultHeader('timeout'), { spec: { timeout: true } });
    assert.deepEqual(parseFaultHeader('drop_after=5;error_after=3;first_token_delay_ms=800'), { spec: { dropAfter: 5, errorAfter: 3, firstTokenDelayMs: 800 } });
    assert.deepEqual(parseFaultHeader('status=429; code=insufficient_quota'), { spec: { status: 429, code: 'insufficient_quota' } });
    assert.deepEqual(parseFaultHeader('none'), { spec: 'none' });
    assert.deepEqual(parseFaultHeader('error_after=0; error_status=529'), { spec: { errorAfter: 0, errorStatus: 529 } });
  });

  it('names the part that is wrong', () => {
    const unknown = parseFaultHeader('status=500; explode=1');
    assert.ok('error' in unknown && unknown.error.includes("unknown key 'explode'"));
    const badRate = parseFaultHeader('status=500; rate=3');
    assert.ok('error' in badRate && badRate.error.includes('rate'));
    const badStatus = parseFaultHeader('status=abc');
    assert.ok('error' in badStatus && badStatus.error.includes('status'));
    const badErrorStatus = parseFaultHeader('error_after=1; error_status=9000');
    assert.ok('error' in badErrorStatus && badErrorStatus.error.includes('error_status'));
  });
});

describe('FaultDice', () => {
  it('applies rate-based faults reproducibly for the same seed', () => {
    const roll = (seed: number): boolean[] => {
      const dice = new FaultDice(seed);
      return Array.from({ length: 200 }, () => dice.decide('gpt-5.5', { status: 500, rate: 0.3 }) !== undefined);
    };
    const first = roll(7);
    assert.deepEqual(roll(7), first);
    assert.notDeepEqual(roll(8), first);
    const hits = first.filter(Boolean).length;
    assert.ok(hits > 35 && hits < 85, `about 30% of 200 should fail, got ${hits}`);
  });

  it('always applies a fault without a rate and never one without an effect', () => {
    const dice = new FaultDice(1);
    assert.ok(dice.decide('m', { status: 503 }));
    assert.equal(dice.decide('m', { rate: 1 }), undefined);
    assert.equal(dice.decide('m', undefined), undefined);
  });
});
