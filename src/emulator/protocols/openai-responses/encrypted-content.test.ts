import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abbreviateToken, ReasoningVault } from './encrypted-content.js';

const content = { itemId: 'rs_abc', model: 'gpt-5.5-2026-04-23', reasoningTokens: 192 };

describe('ReasoningVault', () => {
  it('seals a Fernet-shaped token that opens to what was sealed', () => {
    const vault = new ReasoningVault(42);
    const token = vault.seal(content, Buffer.alloc(16, 9), 1_778_037_176);
    assert.match(token, /^gAAAAAB[A-Za-z0-9_-]+={0,2}$/);
    assert.equal(token.length % 4, 0, 'padded like OpenAI tokens');
    assert.deepEqual(vault.open(token), content);
    assert.deepEqual(new ReasoningVault(42).open(token), content, 'another emulator with the same seed accepts it');
  });

  it('refuses tokens from another key, edited tokens and garbage', () => {
    const token = new ReasoningVault(1).seal(content, Buffer.alloc(16, 1), 0);
    assert.equal(new ReasoningVault(2).open(token), undefined);
    for (const position of [3, 20, token.length - 10]) {
      const edited = token.slice(0, position) + (token[position] === 'x' ? 'y' : 'x') + token.slice(position + 1);
      assert.equal(new ReasoningVault(1).open(edited), undefined, `edit at ${position}`);
    }
    assert.equal(new ReasoningVault(1).open('not a token'), undefined);
    assert.equal(new ReasoningVault(1).open('gAAAAA=='), undefined);
  });

  it('abbreviates a token as OpenAI quotes it', () => {
    assert.equal(abbreviateToken('gAAAAABoxC0_aDtrISw_zls0dyRg=='), 'gAAA...Rg==');
  });
});
