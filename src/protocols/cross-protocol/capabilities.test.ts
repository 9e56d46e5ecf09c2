import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAPABILITIES, PROTOCOL_PAIRS, PROTOCOLS, REQUEST_FEATURES, RESPONSE_FEATURES, pairSupport } from './capabilities.js';
import { REQUEST_TRANSFORMS } from './normalise-request.js';
import { RESPONSE_TRANSFORMS, STREAM_TRANSFORMS } from './normalise-response.js';

/** The capability table and the normaliser say the same thing. */
describe('cross-protocol capability table', () => {
  for (const protocol of PROTOCOLS) {
    it(`${protocol}: every normalised request feature has a stated transform`, () => {
      const stated = new Set(REQUEST_TRANSFORMS[protocol].flatMap((transform) => transform.features));
      const missing = REQUEST_FEATURES.filter((feature) => CAPABILITIES[protocol].request[feature] === 'normalised' && !stated.has(feature));
      assert.deepEqual(missing, []);
    });

    it(`${protocol}: every normalised response feature has a stated transform, for bodies and for streams`, () => {
      for (const transforms of [RESPONSE_TRANSFORMS[protocol], STREAM_TRANSFORMS[protocol]]) {
        const stated = new Set(transforms.flatMap((transform) => transform.features));
        const missing = RESPONSE_FEATURES.filter((feature) => CAPABILITIES[protocol].response[feature] === 'normalised' && !stated.has(feature));
        assert.deepEqual(missing, []);
      }
    });

    it(`${protocol}: no transform claims a feature the table says is refused or rewritten`, () => {
      const table: Record<string, string> = { ...CAPABILITIES[protocol].request, ...CAPABILITIES[protocol].response };
      const claimed = [...REQUEST_TRANSFORMS[protocol], ...RESPONSE_TRANSFORMS[protocol]].flatMap((transform) => transform.features);
      assert.deepEqual(claimed.filter((feature) => table[feature] === 'refused' || table[feature] === 'rewritten'), []);
    });
  }

  it('a pair carries a feature only when both protocols do', () => {
    for (const [a, b] of PROTOCOL_PAIRS) {
      const support = pairSupport([a, b]);
      for (const feature of REQUEST_FEATURES) {
        const both = [a, b].every((protocol) => ['exact', 'normalised'].includes(CAPABILITIES[protocol].request[feature]));
        assert.equal(support.request(feature), both, `${a} + ${b}: ${feature}`);
      }
    }
    assert.equal(pairSupport(['openai-chat', 'gemini']).request('topK'), false, 'Chat refuses top_k');
    assert.equal(pairSupport(['anthropic-messages', 'gemini']).request('topK'), true);
  });
});
