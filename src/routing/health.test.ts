import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DeploymentHealth, HealthRegistry, type BreakerPolicy } from './health.js';

/** Consecutive failures only: the error-rate rule never fires. */
const CONSECUTIVE: BreakerPolicy = { consecutiveFailures: 3, errorRate: 1, window: 100, minSamples: 100, openMs: 1_000 };
/** Error rate only: the consecutive rule never fires first. */
const RATE: BreakerPolicy = { consecutiveFailures: 100, errorRate: 0.5, window: 6, minSamples: 4, openMs: 1_000 };

/** One attempt with its verdict, as the attempt loop does it. */
function attempt(health: DeploymentHealth, ok: boolean, policy: BreakerPolicy, now: number): boolean {
  health.started();
  if (ok) {
    health.succeeded(undefined);
    return false;
  }
  return health.failed(policy, now);
}

describe('circuit breaker', () => {
  test('opens after N consecutive failures, and a success resets the count', () => {
    const health = new DeploymentHealth('p/m');
    assert.equal(attempt(health, false, CONSECUTIVE, 0), false);
    assert.equal(attempt(health, false, CONSECUTIVE, 0), false);
    assert.equal(attempt(health, true, CONSECUTIVE, 0), false);
    assert.equal(attempt(health, false, CONSECUTIVE, 0), false);
    assert.equal(attempt(health, false, CONSECUTIVE, 0), false);
    assert.equal(health.breakerState(0), 'closed');
    assert.equal(attempt(health, false, CONSECUTIVE, 10), true, 'the third in a row opens it');
    assert.equal(health.breakerState(10), 'open');
    assert.deepEqual(health.unavailable(10), { reason: 'breaker-open', until: 1_010 });
  });

  test('opens on the error rate over the window, once it has the minimum samples', () => {
    const health = new DeploymentHealth('p/m');
    assert.equal(attempt(health, false, RATE, 0), false);
    assert.equal(attempt(health, true, RATE, 0), false);
    assert.equal(attempt(health, false, RATE, 0), false, '2 of 3 failed, but 3 samples are under the minimum');
    assert.equal(health.breakerState(0), 'closed');
    assert.equal(attempt(health, true, RATE, 0), false);
    assert.equal(attempt(health, false, RATE, 0), true, '3 of 5 failed');
    assert.equal(health.breakerState(0), 'open');
  });

  test('the error rate reads only the last `window` outcomes', () => {
    const health = new DeploymentHealth('p/m');
    // Old failures fall out of a window of 6: F F S S S S S S, then one failure is 1 of 6.
    attempt(health, false, RATE, 0);
    attempt(health, false, RATE, 0);
    for (let index = 0; index < 6; index += 1) attempt(health, true, RATE, 0);
    assert.equal(attempt(health, false, RATE, 0), false);
    assert.equal(attempt(health, false, RATE, 0), false, '2 of 6');
    assert.equal(attempt(health, false, RATE, 0), true, '3 of 6 reaches the rate');
  });

  test('half-opens after open_ms and lets exactly one probe through', () => {
    const health = new DeploymentHealth('p/m');
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 5_000);
    assert.deepEqual(health.unavailable(5_999), { reason: 'breaker-open', until: 6_000 });
    assert.equal(health.breakerState(5_999), 'open');
    assert.equal(health.breakerState(6_000), 'half-open');
    assert.equal(health.unavailable(6_000), undefined, 'the probe may go');
    health.started();
    assert.deepEqual(health.unavailable(6_001), { reason: 'half-open-probe-in-flight', until: 7_001 });
    assert.equal(health.unavailable(6_500)?.reason, 'half-open-probe-in-flight', 'still only one');
  });

  test('a successful probe closes the breaker', () => {
    const health = new DeploymentHealth('p/m');
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 0);
    assert.equal(health.unavailable(1_000), undefined);
    health.started();
    health.succeeded(120);
    assert.equal(health.breakerState(1_001), 'closed');
    assert.equal(health.unavailable(1_001), undefined);
    assert.equal(health.snapshot(1_001).consecutive_failures, 0);
    // Closed again: it takes the full count of failures to reopen.
    assert.equal(attempt(health, false, CONSECUTIVE, 1_002), false);
    assert.equal(attempt(health, false, CONSECUTIVE, 1_002), false);
    assert.equal(attempt(health, false, CONSECUTIVE, 1_002), true);
  });

  test('a failed probe re-opens it for another open_ms', () => {
    const health = new DeploymentHealth('p/m');
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 0);
    assert.equal(health.unavailable(1_000), undefined);
    health.started();
    assert.equal(health.failed(CONSECUTIVE, 1_200), true, 'one failure in half-open is enough');
    assert.deepEqual(health.unavailable(1_201), { reason: 'breaker-open', until: 2_200 });
    assert.equal(health.breakerState(2_199), 'open');
    assert.equal(health.breakerState(2_200), 'half-open');
  });

  test('an attempt that started before the breaker opened and succeeds late does not close it', () => {
    const health = new DeploymentHealth('p/m');
    health.started(); // a long stream, still running
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 0);
    health.succeeded(80);
    assert.equal(health.breakerState(500), 'open');
    assert.deepEqual(health.unavailable(500), { reason: 'breaker-open', until: 1_000 });
    assert.equal(health.unavailable(1_000), undefined, 'half-open on time as usual');
  });

  test('late failures of attempts started before it opened do not stretch the open time', () => {
    const health = new DeploymentHealth('p/m');
    health.started();
    health.started();
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 0);
    assert.equal(health.failed(CONSECUTIVE, 400), false, 'already open: not opened again');
    assert.equal(health.failed(CONSECUTIVE, 900), false);
    assert.deepEqual(health.unavailable(950), { reason: 'breaker-open', until: 1_000 });
    assert.equal(health.unavailable(1_000), undefined);
  });

  test('an abandoned probe frees the slot for another', () => {
    const health = new DeploymentHealth('p/m');
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 0);
    assert.equal(health.unavailable(1_000), undefined);
    health.started();
    health.abandoned();
    assert.equal(health.unavailable(1_001), undefined);
    assert.equal(health.breakerState(1_001), 'half-open');
  });
});

describe('cool-downs', () => {
  test('Retry-After cools a deployment down until the time given; the later time wins', () => {
    const health = new DeploymentHealth('p/m');
    health.coolDown(2_000);
    health.coolDown(1_500);
    assert.deepEqual(health.unavailable(1_999), { reason: 'cooling-down', until: 2_000 });
    assert.equal(health.unavailable(2_000), undefined);
    assert.equal(health.snapshot(1_000).cooling_down_ms, 1_000);
    assert.equal(health.snapshot(3_000).cooling_down_ms, 0);
  });

  test('rejected credentials take it out until the window ends, ahead of every other reason', () => {
    const health = new DeploymentHealth('p/m');
    health.coolDown(10_000);
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 0);
    health.credentialsRejected(300_000);
    assert.deepEqual(health.unavailable(5), { reason: 'credentials-rejected', until: 300_000 });
    assert.equal(health.snapshot(5).credentials_rejected, true);
    assert.equal(health.unavailable(300_000)?.reason, undefined, 'breaker half-open and cool-down over by then');
    assert.equal(health.snapshot(300_000).credentials_rejected, false);
  });
});

describe('time to first token', () => {
  test('p95 needs 20 samples and is the nearest-rank value', () => {
    const health = new DeploymentHealth('p/m');
    const samples = [...Array(20).keys()].map((index) => (index + 1) * 10).reverse();
    for (const [index, ms] of samples.entries()) {
      assert.equal(health.p95Ttft(), undefined, `after ${index} samples`);
      health.started();
      health.succeeded(ms);
    }
    // Sorted 10..200; rank ceil(0.95 × 20) = 19 → 190.
    assert.equal(health.p95Ttft(), 190);
    for (let index = 0; index < 20; index += 1) {
      health.started();
      health.succeeded(1_000);
    }
    // 40 samples: rank 38 of 10..200 and twenty 1000s → 1000.
    assert.equal(health.p95Ttft(), 1_000);
  });

  test('p95 reads only the most recent 64 samples', () => {
    const health = new DeploymentHealth('p/m');
    for (let index = 0; index < 64; index += 1) {
      health.started();
      health.succeeded(5_000);
    }
    for (let index = 0; index < 64; index += 1) {
      health.started();
      health.succeeded(100);
    }
    assert.equal(health.p95Ttft(), 100);
  });

  test('the moving average starts at the first sample and moves toward each new one', () => {
    const health = new DeploymentHealth('p/m');
    assert.equal(health.averageTtft(), undefined);
    health.started();
    health.succeeded(100);
    assert.equal(health.averageTtft(), 100);
    health.started();
    health.succeeded(200);
    const second = health.averageTtft()!;
    assert.ok(second > 100 && second < 200, `${second}`);
    health.started();
    health.succeeded(undefined);
    assert.equal(health.averageTtft(), second, 'an attempt without a first token leaves it alone');
  });

  test('the moving average stays within the samples and steps toward the latest', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 1, maxLength: 50 }), (samples) => {
        const health = new DeploymentHealth('p/m');
        let previous: number | undefined;
        for (const ms of samples) {
          health.started();
          health.succeeded(ms);
          const average = health.averageTtft()!;
          if (previous !== undefined) {
            assert.ok(Math.abs(average - ms) <= Math.abs(previous - ms), `${previous} → ${average} should approach ${ms}`);
            if (previous !== ms) assert.ok(Math.abs(average - ms) < Math.abs(previous - ms));
          }
          previous = average;
        }
        assert.ok(previous! >= Math.min(...samples) - 1e-9 && previous! <= Math.max(...samples) + 1e-9);
      }),
    );
  });
});

describe('requests in flight', () => {
  test('started counts up; succeeded, failed and abandoned each count down', () => {
    const health = new DeploymentHealth('p/m');
    health.started();
    health.started();
    health.started();
    health.started();
    assert.equal(health.inFlight, 4);
    health.succeeded(50);
    assert.equal(health.inFlight, 3);
    health.failed(CONSECUTIVE, 0);
    assert.equal(health.inFlight, 2);
    health.abandoned();
    assert.equal(health.inFlight, 1);
    assert.equal(health.snapshot(0).in_flight, 1);
  });

  test('a failure the attempt loop abandons does not count against the breaker', () => {
    const health = new DeploymentHealth('p/m');
    for (let index = 0; index < 10; index += 1) {
      health.started();
      health.abandoned();
    }
    assert.equal(health.breakerState(0), 'closed');
    assert.equal(health.snapshot(0).consecutive_failures, 0);
  });
});

describe('HealthRegistry', () => {
  test('one record per deployment name, kept across lookups', () => {
    const registry = new HealthRegistry();
    const first = registry.get('openai/gpt-a');
    first.started();
    assert.equal(registry.get('openai/gpt-a'), first);
    assert.notEqual(registry.get('openai/gpt-b'), first);
    assert.equal(registry.get('openai/gpt-b').inFlight, 0);
  });

  test('the snapshot shows every deployment it has seen', () => {
    const registry = new HealthRegistry();
    const health = registry.get('p/m');
    health.started();
    health.succeeded(250);
    for (let index = 0; index < 3; index += 1) attempt(health, false, CONSECUTIVE, 100);
    health.started();
    registry.get('p/other');
    const snapshot = registry.snapshot(150);
    assert.deepEqual(Object.keys(snapshot).sort(), ['p/m', 'p/other']);
    assert.deepEqual(snapshot['p/m'], {
      breaker: 'open',
      consecutive_failures: 3,
      in_flight: 1,
      ttft_ewma_ms: 250,
      ttft_p95_ms: null,
      cooling_down_ms: 0,
      credentials_rejected: false,
    });
    assert.equal(snapshot['p/other']?.ttft_ewma_ms, null);
  });
});
