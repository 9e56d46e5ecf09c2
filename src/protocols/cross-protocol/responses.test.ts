import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { StreamErrorInfo, StreamPart } from '../../canonical/types.js';
import { responseArbitrary, streamParts } from './arbitraries.js';
import { PROTOCOL_PAIRS } from './capabilities.js';
import { accumulated, responseRoundTrip, streamRoundTrip } from './harness.js';
import { assertMatches, pathLabel } from './normalise.js';
import { normaliseResponse, normaliseStream } from './normalise-response.js';

/**
 * A client speaking A, a provider speaking B. A response: B's body → canonical → A's body → canonical.
 * A stream: canonical parts → B's SSE → B's decoder → A's SSE → A's decoder, cut into arbitrary
 * chunks at each SSE parser, folded into the response a buffering client would see. Both keep what A
 * and B carry, in the normal forms `normalise-response.ts` states.
 */
const RUNS = { numRuns: 150, includeErrorInReport: true };

describe('cross-protocol responses', () => {
  for (const [a, b] of PROTOCOL_PAIRS) {
    it(`a ${b} response reaches a ${a} client with what both carry`, () => {
      fc.assert(
        fc.property(responseArbitrary([a, b], { stream: false }), (response) => {
          const viaB = responseRoundTrip(b, response);
          const expectedB = normaliseResponse(b, response);
          assertMatches(viaB, expectedB, pathLabel([b]));
          assertMatches(responseRoundTrip(a, viaB), normaliseResponse(a, expectedB), pathLabel([b, a]));
        }),
        RUNS,
      );
    });
  }
});

describe('cross-protocol streams', () => {
  for (const [a, b] of PROTOCOL_PAIRS) {
    it(`a ${b} stream reaches a ${a} client with what both carry`, () => {
      const sizes = fc.record({ fragment: fc.integer({ min: 1, max: 6 }), pieceB: fc.integer({ min: 1, max: 80 }), pieceA: fc.integer({ min: 1, max: 80 }) });
      fc.assert(
        fc.property(responseArbitrary([a, b], { stream: true }), sizes, (response, { fragment, pieceB, pieceA }) => {
          const viaB = streamRoundTrip(b, streamParts(response, fragment), pieceB);
          const expectedB = normaliseStream(b, response);
          assertMatches(accumulated(viaB), expectedB, pathLabel([b]));
          assertMatches(accumulated(streamRoundTrip(a, viaB, pieceA)), normaliseStream(a, expectedB), pathLabel([b, a]));
        }),
        RUNS,
      );
    });
  }
});

describe('cross-protocol stream errors', () => {
  const errors: StreamErrorInfo[] = [
    { status: 400, kind: 'invalid_request', message: 'bad input' },
    { status: 429, kind: 'rate_limit', message: 'slow down' },
    { status: 500, kind: 'server_error', message: 'boom' },
    { status: 504, kind: 'timeout', message: 'took too long' },
    { status: 529, kind: 'overloaded', message: 'Overloaded' },
  ];
  for (const [a, b] of PROTOCOL_PAIRS) {
    it(`a ${b} stream that fails midway reaches a ${a} client as the same kind of error, after the text sent so far`, () => {
      fc.assert(
        fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 }), fc.constantFrom(...errors), (pieces, error) => {
          const parts: StreamPart[] = [
            { type: 'response-start', id: 'upstream', model: 'client-model', created: 1_700_000_000 },
            { type: 'text-start', block: 0 },
            ...pieces.map((text): StreamPart => ({ type: 'text-delta', block: 0, text })),
            { type: 'error', error },
          ];
          const viaA = streamRoundTrip(a, streamRoundTrip(b, parts, 13), 11);
          const failure = viaA.find((part) => part.type === 'error');
          assert.equal(failure?.type === 'error' ? failure.error.kind : undefined, error.kind, pathLabel([b, a]));
          assert.equal(viaA.some((part) => part.type === 'finish'), false, 'a failed stream has no finish');
          assertMatches(accumulated(viaA).content, [{ type: 'text', text: pieces.join('') }], pathLabel([b, a]));
        }),
        { numRuns: 10, includeErrorInReport: true },
      );
    });
  }
});
