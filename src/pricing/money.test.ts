import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateRounded, divideRoundHalfUp, microsToUsd, usdToMicros } from './money.js';

describe('usdToMicros', () => {
  it('reads decimals exactly, where multiplying the float would not', () => {
    assert.equal(1.005 * 1_000_000, 1004999.9999999999);
    assert.equal(usdToMicros(1.005), 1_005_000);
    assert.equal(usdToMicros(0.000249), 249);
    assert.equal(usdToMicros(0.075), 75_000);
    assert.equal(usdToMicros(2.5), 2_500_000);
    assert.equal(usdToMicros(0.003625), 3_625);
    assert.equal(usdToMicros('0.0028'), 2_800);
    assert.equal(usdToMicros(180), 180_000_000);
    assert.equal(usdToMicros(0), 0);
  });

  it('refuses what is not a micro-dollar amount', () => {
    for (const value of [-1, 0.0000001, 1e-7, Number.NaN, Number.POSITIVE_INFINITY, '1,5', '', 'free', '1e3', 1e21]) {
      assert.equal(usdToMicros(value), undefined, String(value));
    }
  });
});

describe('microsToUsd', () => {
  it('prints exact decimals without trailing zeros', () => {
    assert.equal(microsToUsd(75_000), '0.075');
    assert.equal(microsToUsd(2_166), '0.002166');
    assert.equal(microsToUsd(30_000_000), '30');
    assert.equal(microsToUsd(0), '0');
    assert.equal(microsToUsd(-1_500_000), '-1.5');
  });
});

describe('divideRoundHalfUp', () => {
  it('rounds ties up and everything else to the nearest', () => {
    assert.equal(divideRoundHalfUp(5n, 10n), 1n);
    assert.equal(divideRoundHalfUp(4n, 10n), 0n);
    assert.equal(divideRoundHalfUp(15n, 10n), 2n);
    assert.equal(divideRoundHalfUp(25n, 10n), 3n);
    assert.equal(divideRoundHalfUp(0n, 10n), 0n);
    assert.equal(divideRoundHalfUp(7n, 3n), 2n);
    assert.equal(divideRoundHalfUp(3n, 2n), 2n);
  });
});

describe('allocateRounded', () => {
  it('gives the missing unit to the largest remainder so the parts add up to the rounded total', () => {
    // 0.3 + 0.3 + 0.4 = 1.0: plain rounding of each part gives 0 + 0 + 0 = 0.
    const { parts, total } = allocateRounded([3n, 3n, 4n], 10n);
    assert.equal(total, 1n);
    assert.deepEqual(parts, [0n, 0n, 1n]);
  });

  it('breaks equal remainders in favour of the earlier part', () => {
    const { parts, total } = allocateRounded([5n, 5n], 10n);
    assert.equal(total, 1n);
    assert.deepEqual(parts, [1n, 0n]);
  });

  it('leaves exact parts untouched', () => {
    assert.deepEqual(allocateRounded([20n, 0n, 30n], 10n), { parts: [2n, 0n, 3n], total: 5n });
  });
});
