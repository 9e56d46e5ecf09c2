import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cacheKeyFor } from './cache-key.js';
import { cacheDirective } from './directive.js';
import { createMemoryResponseCacheStore } from './memory-store.js';
import { renderHit } from './render-hit.js';
import { ResponseCache } from './response-cache.js';
import type { ResponseCacheStore } from './store.js';
import { sampleResponse, T0 } from './testing/fixtures.js';
import { bodyText } from './testing/read-hit.js';

const READ_WRITE = cacheDirective({});

describe('ResponseCache', () => {
  it('a miss, then the stored answer served to a caller of another protocol', async () => {
    const cache = new ResponseCache({ store: createMemoryResponseCacheStore(), ttlMs: 60_000 });
    const scope = { requestedModel: 'fast', target: { modelId: 'openai/gpt-5-mini', upstreamModel: 'gpt-5-mini' } };
    const key = cacheKeyFor('anthropic-messages', { max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }, scope);
    assert.equal(await cache.lookup(key, READ_WRITE, T0), undefined);
    assert.equal(await cache.save(key, sampleResponse(), 'openai/gpt-5-mini', READ_WRITE, { now: T0 }), true);
    const entry = await cache.lookup(key, READ_WRITE, T0 + 1_000);
    assert.ok(entry !== undefined);
    const body = JSON.parse(await bodyText(renderHit(entry, 'anthropic-messages', { stream: false, requestId: 'req_1', now: T0 + 1_000 }))) as { content: Array<{ type: string }>; stop_reason: string };
    assert.deepEqual(body.content.map((block) => block.type), ['text', 'tool_use']);
    assert.equal(body.stop_reason, 'tool_use');
  });

  it('honours the caller: no-cache skips the read, no-store also the write, max-age bounds the age', async () => {
    const cache = new ResponseCache({ store: createMemoryResponseCacheStore(), ttlMs: 600_000 });
    await cache.save('k', sampleResponse(), 'p/m', READ_WRITE, { now: T0 });
    assert.equal(await cache.lookup('k', cacheDirective({ 'cache-control': 'no-cache' }), T0), undefined);
    assert.equal(await cache.save('other', sampleResponse(), 'p/m', cacheDirective({ 'cache-control': 'no-store' }), { now: T0 }), false);
    assert.equal(await cache.lookup('other', READ_WRITE, T0), undefined);
    const maxAge = cacheDirective({ 'cache-control': 'max-age=60' });
    assert.notEqual(await cache.lookup('k', maxAge, T0 + 60_000), undefined);
    assert.equal(await cache.lookup('k', maxAge, T0 + 60_001), undefined);
  });

  it('stores only complete answers that hold what the request asked for', async () => {
    const cache = new ResponseCache({ store: createMemoryResponseCacheStore(), ttlMs: 60_000 });
    assert.equal(await cache.save('filtered', sampleResponse({ finishReason: 'content-filter' }), 'p/m', READ_WRITE, { now: T0 }), false);
    assert.equal(await cache.save('one-of-two', sampleResponse(), 'p/m', READ_WRITE, { now: T0, request: { n: 2 } }), false);
  });

  it('lives for the route TTL when given, else the default', async () => {
    const cache = new ResponseCache({ store: createMemoryResponseCacheStore(), ttlMs: 60_000 });
    await cache.save('default', sampleResponse(), 'p/m', READ_WRITE, { now: T0 });
    await cache.save('short', sampleResponse(), 'p/m', READ_WRITE, { now: T0, ttlMs: 5_000 });
    assert.notEqual(await cache.lookup('default', READ_WRITE, T0 + 30_000), undefined);
    assert.equal(await cache.lookup('short', READ_WRITE, T0 + 5_000), undefined);
  });

  it('a failing store is a miss and a skipped write, reported, never thrown', async () => {
    const failing: ResponseCacheStore = {
      kind: 'redis',
      get: async () => {
        throw new Error('connection refused');
      },
      set: async () => {
        throw new Error('connection refused');
      },
      delete: async () => undefined,
      close: async () => undefined,
    };
    const errors: string[] = [];
    const cache = new ResponseCache({ store: failing, ttlMs: 60_000, onError: (_error, operation) => errors.push(operation) });
    assert.equal(await cache.lookup('k', READ_WRITE, T0), undefined);
    assert.equal(await cache.save('k', sampleResponse(), 'p/m', READ_WRITE, { now: T0 }), false);
    assert.deepEqual(errors, ['get', 'set']);
  });
});
