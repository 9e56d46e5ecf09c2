import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sealRedactedThinking, signThinking, verifyRedactedThinking, verifyThinking } from './thinking-signature.js';

describe('thinking signatures', () => {
  const hidden = 'The user asks about tides. The moon matters most.';

  it('are deterministic and verify only the text they were given for', () => {
    const signature = signThinking(hidden, hidden);
    assert.equal(signThinking(hidden, hidden), signature);
    assert.match(signature, /^E[A-Za-z0-9+/]+=*$/, 'base64 that starts like the real ones');
    assert.ok(verifyThinking(hidden, signature));
    assert.ok(!verifyThinking(hidden.replace('moon', 'sun'), signature));
    assert.ok(!verifyThinking(`${hidden} `, signature));
    assert.ok(!verifyThinking(hidden, signThinking('other thoughts', 'other thoughts')));
  });

  it('refuse garbage, truncation and a redacted blob passed off as a signature', () => {
    const signature = signThinking(hidden, hidden);
    for (const bad of ['', 'not base64!', signature.slice(0, -4), `${signature.slice(0, 10)}A${signature.slice(11)}`, sealRedactedThinking(hidden)]) {
      assert.ok(!verifyThinking(hidden, bad), bad);
    }
  });

  it('sign omitted thinking (empty text) per thought, and seal redacted thinking', () => {
    const omitted = signThinking(hidden, '');
    assert.ok(verifyThinking('', omitted));
    assert.notEqual(omitted, signThinking('different thoughts', ''), 'two omitted blocks do not share a signature');
    const data = sealRedactedThinking(hidden);
    assert.ok(verifyRedactedThinking(data));
    assert.ok(!verifyRedactedThinking(signThinking(hidden, '')));
    assert.ok(!verifyRedactedThinking(data.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'))));
  });
});
