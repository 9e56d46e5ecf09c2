import type { CanonicalResponse } from '../../canonical/types.js';
import { createEntry, type CacheEntry } from '../entry.js';

/** Epoch ms the tests pretend it is; every store call passes it (or a time after it) as `now`. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

/** An answer with a bit of everything a cached response must keep. */
export function sampleResponse(overrides: Partial<CanonicalResponse> = {}): CanonicalResponse {
  return {
    id: 'chatcmpl-abc123',
    model: 'gpt-5-mini-2025-08-07',
    created: 1_768_478_000,
    content: [
      { type: 'text', text: 'Sunny in São Paulo — 28 °C. "Quoted" \\ and\nnew line.' },
      { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"São Paulo","days":[1,2]}' },
    ],
    finishReason: 'tool-calls',
    usage: { inputTokens: 1532, outputTokens: 88, cachedInputTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 12 },
    ...overrides,
  };
}

export function sampleEntry(ttlMs = 60_000, now = T0, response = sampleResponse()): CacheEntry {
  return createEntry(response, 'openai/gpt-5-mini', ttlMs, now);
}

/** An entry whose serialized form is about `bytes` long (text padded). */
export function entryOfSize(bytes: number, ttlMs = 60_000, now = T0): CacheEntry {
  const base = sampleEntry(ttlMs, now, sampleResponse({ content: [{ type: 'text', text: '' }] }));
  const overhead = JSON.stringify({ v: 1, ...base }).length;
  return sampleEntry(ttlMs, now, sampleResponse({ content: [{ type: 'text', text: 'x'.repeat(Math.max(0, bytes - overhead)) }] }));
}
