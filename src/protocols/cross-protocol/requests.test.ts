import { describe, it } from 'node:test';
import fc from 'fast-check';
import { requestArbitrary } from './arbitraries.js';
import { PROTOCOL_PAIRS } from './capabilities.js';
import { requestRoundTrip } from './harness.js';
import { assertMatches, pathLabel } from './normalise.js';
import { normaliseRequest } from './normalise-request.js';

/**
 * A client speaking A, a provider speaking B: a request A → canonical → B's wire → canonical → A's
 * wire → canonical keeps every field both A and B carry, in the normal forms `normalise-request.ts`
 * states. Each hop is compared, so a failure names the protocol that changed the request.
 */
const RUNS = { numRuns: 100, includeErrorInReport: true };

describe('cross-protocol requests', () => {
  for (const [a, b] of PROTOCOL_PAIRS) {
    it(`${a} → ${b} → ${a} keeps what both carry`, () => {
      fc.assert(
        fc.property(requestArbitrary([a, b]), (request) => {
          const viaA = requestRoundTrip(a, request);
          assertMatches(viaA, normaliseRequest(a, request), pathLabel([a]));
          const viaB = requestRoundTrip(b, viaA);
          const expectedB = normaliseRequest(b, normaliseRequest(a, request));
          assertMatches(viaB, expectedB, pathLabel([a, b]));
          assertMatches(requestRoundTrip(a, viaB), normaliseRequest(a, expectedB), pathLabel([a, b, a]));
        }),
        RUNS,
      );
    });
  }
});
