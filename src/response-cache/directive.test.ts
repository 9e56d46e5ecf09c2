import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheDirective } from './directive.js';

describe('cacheDirective', () => {
  it('reads and writes when the caller says nothing', () => {
    assert.deepEqual(cacheDirective({}), { read: true, write: true, maxAgeMs: undefined, onlyIfCached: false });
  });

  it('no-cache skips the read but still writes the fresh answer', () => {
    assert.deepEqual(cacheDirective({ 'cache-control': 'no-cache' }), { read: false, write: true, maxAgeMs: undefined, onlyIfCached: false });
    assert.equal(cacheDirective({ pragma: 'no-cache' }).read, false);
    assert.equal(cacheDirective({ 'cache-control': 'max-age=0' }).read, false);
  });

  it('no-store neither reads nor writes, whatever comes with it', () => {
    const directive = cacheDirective({ 'cache-control': 'max-age=60, No-Store' });
    assert.equal(directive.read, false);
    assert.equal(directive.write, false);
  });

  it('max-age limits the age of a hit; the strictest of several wins', () => {
    assert.equal(cacheDirective({ 'cache-control': 'max-age=300' }).maxAgeMs, 300_000);
    assert.equal(cacheDirective({ 'cache-control': ['max-age=300', 'max-age="60"'] }).maxAgeMs, 60_000);
    assert.equal(cacheDirective({ 'cache-control': 'max-age=soon' }).maxAgeMs, undefined);
  });

  it('only-if-cached is reported for the gateway to answer 504 on a miss', () => {
    assert.equal(cacheDirective({ 'cache-control': 'only-if-cached' }).onlyIfCached, true);
  });

  it('ignores directives it does not know and other pragmas', () => {
    assert.deepEqual(cacheDirective({ 'cache-control': 'private, stale-if-error=30', pragma: 'x-custom' }), { read: true, write: true, maxAgeMs: undefined, onlyIfCached: false });
  });
});
