import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAnthropicRequest } from './request-encode.js';

/** Translation bugs the cross-protocol work found, each pinned by its smallest input. */
describe('anthropic-messages regressions', () => {
  it('a data: URL with broken percent-escapes is sent inline, not a crash', () => {
    const body = encodeAnthropicRequest(
      { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'image', source: { kind: 'url', url: 'data:image/png,%ZZ' } }] }] },
      'claude-sonnet-4-6',
    );
    // Before: URIError "URI malformed" from decodeURIComponent (a 500 instead of a translation).
    assert.deepEqual(body.messages[0]?.content, [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: Buffer.from('%ZZ').toString('base64') } }]);
  });
});
