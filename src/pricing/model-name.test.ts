import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSnapshotOf, matchModelKey, normalizeModelName } from './model-name.js';

describe('isSnapshotOf', () => {
  const snapshots: Array<[string, string]> = [
    ['gpt-5.5-2026-04-23', 'gpt-5.5'],
    ['claude-sonnet-4-6-20260115', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5'],
    ['gemini-3.1-pro-preview', 'gemini-3.1-pro'],
    ['gemini-2.5-flash-preview-09-2025', 'gemini-2.5-flash'],
    ['gemini-2.0-flash-001', 'gemini-2.0-flash'],
    ['gemini-2.5-pro-exp-03-25', 'gemini-2.5-pro'],
    ['deepseek-v4-pro-0813', 'deepseek-v4-pro'],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    ['gpt-5.5', 'gpt-5.5'],
  ];
  for (const [name, base] of snapshots) {
    it(`${name} is a snapshot of ${base}`, () => assert.equal(isSnapshotOf(name, base), true));
  }

  const otherModels: Array<[string, string]> = [
    ['gpt-5.4-pro', 'gpt-5.4'],
    ['gpt-5.4-nano', 'gpt-5.4'],
    ['gpt-5.4-mini-2026-03-17', 'gpt-5.4'],
    ['gpt-5.5', 'gpt-5'],
    ['claude-opus-4-1', 'claude-opus-4'],
    ['claude-opus-4-10', 'claude-opus-4'],
    ['gemini-3.1-pro-preview-customtools', 'gemini-3.1-pro'],
    ['gemini-3-pro-preview', 'gemini-3'],
    ['claude-sonnet-4-50', 'claude-sonnet-4-5'],
  ];
  for (const [name, base] of otherModels) {
    it(`${name} is another model than ${base}`, () => assert.equal(isSnapshotOf(name, base), false));
  }
});

describe('matchModelKey', () => {
  const keys = ['openai/gpt-5.5', 'openai/gpt-5.5-pro', 'openai/gpt-5.4', 'local/*'];

  it('prefers the longest key the name is a snapshot of', () => {
    assert.equal(matchModelKey('openai/gpt-5.5-pro-2026-05-01', keys), 'openai/gpt-5.5-pro');
    assert.equal(matchModelKey('openai/gpt-5.5-2026-04-23', keys), 'openai/gpt-5.5');
  });

  it('finds nothing for an unknown sibling', () => {
    assert.equal(matchModelKey('openai/gpt-5.4-pro', keys), undefined);
  });

  it('falls back to the scope wildcard only when nothing named matches', () => {
    assert.equal(matchModelKey('local/llama3.3:70b', keys, 'local/*'), 'local/*');
    assert.equal(matchModelKey('openai/gpt-5.5', keys, 'openai/*'), 'openai/gpt-5.5');
    assert.equal(matchModelKey('openai/o9', keys, 'openai/*'), undefined);
  });
});

describe('normalizeModelName', () => {
  it('ignores case, spaces and the Gemini resource prefix', () => {
    assert.equal(normalizeModelName('  models/Gemini-3.1-Pro-Preview '), 'gemini-3.1-pro-preview');
    assert.equal(normalizeModelName('DeepSeek-V4-Pro-0813'), 'deepseek-v4-pro-0813');
  });
});
