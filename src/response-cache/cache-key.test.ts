import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProtocolName } from '../canonical/types.js';
import { cacheKeyFor, cacheKeyMaterial, type CacheScope } from './cache-key.js';

const scope: CacheScope = { requestedModel: 'coding', target: { modelId: 'openai/gpt-5-mini', upstreamModel: 'gpt-5-mini' } };

const chatBody = (): Record<string, unknown> => ({
  model: 'coding',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Weather in Paris?' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, units: { type: 'string' } } } } }],
  temperature: 0.2,
});

describe('cacheKeyFor', () => {
  it('is a SHA-256 hex digest, the same for the same request', () => {
    const key = cacheKeyFor('openai-chat', chatBody(), scope);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(cacheKeyFor('openai-chat', chatBody(), scope), key);
  });

  it('ignores the fields that never change the answer', () => {
    const volatile: Record<ProtocolName, Record<string, unknown>> = {
      'openai-chat': { stream: true, stream_options: { include_usage: true }, user: 'u-1', safety_identifier: 's', metadata: { run: '7' }, store: true, service_tier: 'flex', prompt_cache_key: 'pk', prompt_cache_retention: '24h' },
      'openai-responses': { stream: true, stream_options: { include_obfuscation: false }, user: 'u-1', metadata: { a: 'b' }, store: false, service_tier: 'priority', prompt_cache_key: 'pk' },
      'anthropic-messages': { stream: true, metadata: { user_id: 'u-1' }, service_tier: 'standard_only' },
      gemini: { labels: { team: 'search' } },
    };
    for (const [protocol, fields] of Object.entries(volatile) as Array<[ProtocolName, Record<string, unknown>]>) {
      const body = { model: 'coding', messages: [{ role: 'user', content: 'hi' }] };
      assert.equal(cacheKeyFor(protocol, { ...body, ...fields }, scope), cacheKeyFor(protocol, body, scope), protocol);
    }
  });

  it('ignores the model in the body: the scope names it', () => {
    assert.equal(cacheKeyFor('openai-chat', { ...chatBody(), model: 'other' }, scope), cacheKeyFor('openai-chat', chatBody(), scope));
  });

  it('treats a top-level null as the field not being set', () => {
    assert.equal(cacheKeyFor('openai-chat', { ...chatBody(), stop: null, seed: null }, scope), cacheKeyFor('openai-chat', chatBody(), scope));
  });

  it('does not depend on the order of keys in the request structure', () => {
    const reordered = {
      temperature: 0.2,
      tools: [{ function: { parameters: { properties: { city: { type: 'string' }, units: { type: 'string' } }, type: 'object' }, name: 'get_weather' }, type: 'function' }],
      messages: [
        { content: 'You are terse.', role: 'system' },
        { content: 'Weather in Paris?', role: 'user' },
      ],
      model: 'coding',
    };
    assert.equal(cacheKeyFor('openai-chat', reordered, scope), cacheKeyFor('openai-chat', chatBody(), scope));
  });

  it('does not depend on key order inside Responses input items (its top-level input is structure)', () => {
    const a = { input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }], instructions: 'be brief' };
    const b = { instructions: 'be brief', input: [{ content: [{ text: 'hi', type: 'input_text' }], role: 'user' }] };
    assert.equal(cacheKeyFor('openai-responses', a, scope), cacheKeyFor('openai-responses', b, scope));
  });

  it('keeps the order of schema properties and tool inputs: the model reads them in that order', () => {
    const swapped = chatBody();
    swapped.tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { units: { type: 'string' }, city: { type: 'string' } } } } }];
    assert.notEqual(cacheKeyFor('openai-chat', swapped, scope), cacheKeyFor('openai-chat', chatBody(), scope));
    const withInput = (input: Record<string, unknown>): Record<string, unknown> => ({
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input }] },
      ],
    });
    assert.notEqual(cacheKeyFor('anthropic-messages', withInput({ a: 1, b: 2 }), scope), cacheKeyFor('anthropic-messages', withInput({ b: 2, a: 1 }), scope));
  });

  it('separates different models, targets, protocols, partitions and varying headers', () => {
    const base = cacheKeyFor('openai-chat', chatBody(), scope);
    const variants: Array<[string, string]> = [
      ['requested model', cacheKeyFor('openai-chat', chatBody(), { ...scope, requestedModel: 'openai/gpt-5-mini' })],
      ['target deployment', cacheKeyFor('openai-chat', chatBody(), { ...scope, target: { modelId: 'anthropic/claude-sonnet-4-6', upstreamModel: 'claude-sonnet-4-6' } })],
      ['upstream model', cacheKeyFor('openai-chat', chatBody(), { ...scope, target: { modelId: 'openai/gpt-5-mini', upstreamModel: 'gpt-5-mini-2025-08-07' } })],
      ['protocol', cacheKeyFor('openai-responses', chatBody(), scope)],
      ['partition', cacheKeyFor('openai-chat', chatBody(), { ...scope, partition: 'team-a' })],
      ['vary', cacheKeyFor('openai-chat', chatBody(), { ...scope, vary: { 'anthropic-beta': 'context-1m-2025-08-07' } })],
    ];
    for (const [what, key] of variants) assert.notEqual(key, base, what);
    assert.equal(new Set(variants.map(([, key]) => key)).size, variants.length);
  });

  it('separates any change to what the model reads or how it samples', () => {
    const base = cacheKeyFor('openai-chat', chatBody(), scope);
    assert.notEqual(cacheKeyFor('openai-chat', { ...chatBody(), temperature: 0.3 }, scope), base);
    assert.notEqual(cacheKeyFor('openai-chat', { ...chatBody(), messages: [{ role: 'user', content: 'Weather in Paris? ' }] }, scope), base);
    // A field the key does not know is assumed to matter.
    assert.notEqual(cacheKeyFor('openai-chat', { ...chatBody(), verbosity: 'low' }, scope), base);
  });

  it('puts the scope beside the body in the key material, so a key can be explained', () => {
    const material = cacheKeyMaterial('gemini', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], labels: { a: 'b' } }, scope);
    assert.match(material, /"protocol":"gemini"/);
    assert.match(material, /"requestedModel":"coding"/);
    assert.doesNotMatch(material, /labels/);
  });
});
