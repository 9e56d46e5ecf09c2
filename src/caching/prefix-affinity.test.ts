import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { preferDeployment, PrefixAffinity } from './prefix-affinity.js';

describe('PrefixAffinity', () => {
  it('remembers which deployment served a prefix, most specific hash first', () => {
    const affinity = new PrefixAffinity();
    affinity.record(['conversation-a', 'shared'], 'anthropic/claude-sonnet-4-5', 0);
    affinity.record(['conversation-b', 'shared'], 'bedrock/claude-sonnet-4-5', 10);
    assert.equal(affinity.preferred(['conversation-a', 'shared'], 20), 'anthropic/claude-sonnet-4-5');
    // A new conversation of the same application goes where the shared prefix was last written.
    assert.equal(affinity.preferred(['conversation-c', 'shared'], 20), 'bedrock/claude-sonnet-4-5');
    assert.equal(affinity.preferred([undefined, 'unknown'], 20), undefined);
  });

  it('forgets a prefix once its TTL has passed since the last use, and a hit refreshes it', () => {
    const affinity = new PrefixAffinity({ ttlMs: 1000 });
    affinity.record(['p'], 'one', 0);
    assert.equal(affinity.preferred(['p'], 900), 'one');
    assert.equal(affinity.preferred(['p'], 1800), 'one', 'refreshed at 900');
    assert.equal(affinity.preferred(['p'], 2801), undefined);
    assert.equal(affinity.size, 0);
  });

  it('stays bounded, evicting the least recently used first', () => {
    const affinity = new PrefixAffinity({ maxEntries: 2 });
    affinity.record(['a'], 'one', 0);
    affinity.record(['b'], 'two', 1);
    assert.equal(affinity.preferred(['a'], 2), 'one'); // a is now the most recent
    affinity.record(['c'], 'three', 3);
    assert.equal(affinity.size, 2);
    assert.equal(affinity.preferred(['b'], 4), undefined);
    assert.equal(affinity.preferred(['a'], 4), 'one');
    assert.equal(affinity.preferred(['c'], 4), 'three');
  });

  it('moves the latest deployment for a prefix to it', () => {
    const affinity = new PrefixAffinity();
    affinity.record(['p'], 'one', 0);
    affinity.record(['p'], 'two', 1);
    assert.equal(affinity.preferred(['p'], 2), 'two');
    assert.equal(affinity.size, 1);
  });
});

describe('preferDeployment', () => {
  const ids = ['a', 'b', 'c'];
  it('moves the sticky deployment to the front and keeps the rest in order', () => {
    assert.deepEqual(preferDeployment(ids, 'c', (id) => id), ['c', 'a', 'b']);
    assert.deepEqual(preferDeployment(ids, 'a', (id) => id), ['a', 'b', 'c']);
  });
  it('changes nothing when there is no sticky deployment or it is not a candidate', () => {
    assert.deepEqual(preferDeployment(ids, undefined, (id) => id), ids);
    assert.deepEqual(preferDeployment(ids, 'z', (id) => id), ids);
  });
});
