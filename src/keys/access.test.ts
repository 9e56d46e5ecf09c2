import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isAllowed, keyAllowsModel, keyAllowsRoute, matchesPattern } from './access.js';
import type { AuthenticatedKey, Team, VirtualKey } from './types.js';

describe('model and route allow-lists', () => {
  it('matches exact names and * globs, / included, case-sensitively', () => {
    const cases: Array<[string, string, boolean]> = [
      ['openai/gpt-5', 'openai/gpt-5', true],
      ['openai/gpt-5', 'openai/gpt-5-mini', false],
      ['anthropic/*', 'anthropic/claude-sonnet-4', true],
      ['anthropic/*', 'anthropic/', true],
      ['anthropic/*', 'openai/gpt-5', false],
      ['openrouter/*', 'openrouter/meta/llama-4', true],
      ['*-mini', 'openai/gpt-5-mini', true],
      ['*-mini', 'openai/gpt-5-mini-2', false],
      ['*/claude-*-4*', 'anthropic/claude-opus-4-1', true],
      ['*/claude-*-4*', 'bedrock/claude-4', false],
      ['a*a', 'a', false],
      ['a*a', 'aa', true],
      ['*', 'anything/at/all', true],
      ['Anthropic/*', 'anthropic/claude', false],
      ['a.b', 'axb', false],
    ];
    for (const [pattern, name, expected] of cases) assert.equal(matchesPattern(pattern, name), expected, `${pattern} ~ ${name}`);
  });

  it('allows everything with null, nothing with []', () => {
    assert.equal(isAllowed(null, 'x'), true);
    assert.equal(isAllowed([], 'x'), false);
    assert.equal(isAllowed(['y', 'x*'], 'xz'), true);
  });

  it('needs both the key and its team to allow a model or route', () => {
    const key = { allowed_models: ['anthropic/*', 'openai/gpt-5'], allowed_routes: null } as VirtualKey;
    const team = { allowed_models: ['openai/*'], allowed_routes: ['chat'] } as Team;
    const auth: AuthenticatedKey = { key, team };
    assert.equal(keyAllowsModel(auth, 'openai/gpt-5'), true);
    assert.equal(keyAllowsModel(auth, 'anthropic/claude-sonnet-4'), false, 'the team does not allow it');
    assert.equal(keyAllowsModel(auth, 'openai/gpt-5-mini'), false, 'the key does not allow it');
    assert.equal(keyAllowsModel({ key, team: null }, 'anthropic/claude-sonnet-4'), true);
    assert.equal(keyAllowsRoute(auth, 'chat'), true);
    assert.equal(keyAllowsRoute(auth, 'batch'), false);
  });
});
