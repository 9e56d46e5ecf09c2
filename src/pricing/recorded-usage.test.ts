/**
 * Exact costs of usage recorded from real provider traffic (../shared/conformance). Each case decodes
 * the recorded usage with the protocol's own codec, checks it against the canonical usage worked out
 * by hand from the raw fields (so a codec change that would move money shows up here), and prices it.
 * Where the recorded model is not in the catalog the lookup must say unknown, and the usage is priced
 * with a seeded model of the same provider instead. Rates are in µ$ per token (= $ per MTok).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalUsage } from '../canonical/types.js';
import type { ProviderKind } from '../providers/kinds.js';
import { mergeAnthropicUsage, readAnthropicUsage, toCanonicalUsage, decodeAnthropicUsage } from '../protocols/anthropic-messages/usage.js';
import { decodeGeminiUsage } from '../protocols/gemini/usage.js';
import { decodeChatUsage } from '../protocols/openai-chat/usage.js';
import { decodeResponsesUsage } from '../protocols/openai-responses/usage.js';
import { readConformanceJson, readConformanceText } from '../testing/conformance.js';
import { buildPriceCatalog } from './catalog.js';
import { priceUsage, type CostBreakdown } from './price-usage.js';
import { seeded, usage } from './test-support.js';

const catalog = buildPriceCatalog();

function field(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

/** The JSON payloads of an SSE recording's `data:` lines. */
function sseData(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line.slice(6).trim().startsWith('{'))
    .map((line) => JSON.parse(line.slice(6)) as unknown);
}

function parts(cost: CostBreakdown): number[] {
  return [cost.uncachedInputMicros, cost.cachedInputMicros, cost.cacheWrite5mMicros, cost.cacheWrite1hMicros, cost.outputMicros, cost.totalMicros];
}

function assertUnknown(kind: ProviderKind, model: string): void {
  assert.equal(catalog.lookup({ kind, model }), undefined, `${model} must be unknown, not free`);
}

function priceOf(kind: ProviderKind, model: string, tokens: CanonicalUsage): CostBreakdown {
  const price = catalog.lookup({ kind, model });
  assert.ok(price, `${model} must be in the catalog`);
  return priceUsage(price, tokens);
}

describe('recorded OpenAI usage', () => {
  it('chat-cached-tokens: 4 012 of 4 020 prompt tokens cached (priced as gpt-5.5)', () => {
    const body = readConformanceJson('openai', 'chat-cached-tokens.response.json');
    assertUnknown('openai', String(field(body, 'model')));
    // prompt_tokens 4020 includes cached_tokens 4012; completion 4, reasoning 0.
    const decoded = decodeChatUsage(field(body, 'usage'));
    assert.deepEqual(decoded, usage({ inputTokens: 4_020, cachedInputTokens: 4_012, outputTokens: 4 }));
    // uncached 8 × 5 = 40; cached 4 012 × 0.5 = 2 006; output 4 × 30 = 120; total 2 166.
    const cost = priceUsage(seeded('openai/gpt-5.5'), decoded);
    assert.deepEqual(parts(cost), [40, 2_006, 0, 0, 120, 2_166]);
    // Saved: 4 012 × 4.5 = 18 054.
    assert.equal(cost.savedByCacheMicros, 18_054);
  });

  it('responses-text: gpt-5.5-2026-04-23 found by its snapshot name', () => {
    const body = readConformanceJson('openai', 'responses-text.response.json');
    const decoded = decodeResponsesUsage(field(body, 'usage'), 'usage');
    assert.deepEqual(decoded, usage({ inputTokens: 11, outputTokens: 5 }));
    // 11 × 5 + 5 × 30 = 55 + 150 = 205.
    assert.deepEqual(parts(priceOf('openai-responses', String(field(body, 'model')), decoded)), [55, 0, 0, 0, 150, 205]);
  });

  it('responses-reasoning-summary stream: 1 408 reasoning tokens inside 1 680 output (priced as gpt-5.4)', () => {
    const completed = sseData(readConformanceText('openai', 'responses-reasoning-summary.stream.sse')).find(
      (event) => field(event, 'type') === 'response.completed',
    );
    assertUnknown('openai-responses', String(field(completed, 'response', 'model')));
    const decoded = decodeResponsesUsage(field(completed, 'response', 'usage'), 'response.usage');
    assert.deepEqual(decoded, usage({ inputTokens: 13, outputTokens: 1_680, reasoningTokens: 1_408 }));
    // input 13 × 2.5 = 32.5; output 1 680 × 15 = 25 200 (not + 1 408 × 15 again).
    // Exact 25 232.5 → 25 233; the input part carries the half: 33.
    assert.deepEqual(parts(priceUsage(seeded('openai/gpt-5.4'), decoded)), [33, 0, 0, 0, 25_200, 25_233]);
  });

  it('responses-reasoning-roundtrip-cached: 2 048 of 2 087 input cached (priced as gpt-5.4-mini)', () => {
    const body = readConformanceJson('openai', 'responses-reasoning-roundtrip-cached.response.json');
    assertUnknown('openai-responses', String(field(body, 'model')));
    const decoded = decodeResponsesUsage(field(body, 'usage'), 'usage');
    assert.deepEqual(decoded, usage({ inputTokens: 2_087, cachedInputTokens: 2_048, outputTokens: 124 }));
    // uncached 39 × 0.75 = 29.25; cached 2 048 × 0.075 = 153.6; output 124 × 4.5 = 558.
    // Exact 740.85 → 741; the missing unit goes to the largest remainder (cached .6): 29 + 154 + 558.
    const cost = priceUsage(seeded('openai/gpt-5.4-mini'), decoded);
    assert.deepEqual(parts(cost), [29, 154, 0, 0, 558, 741]);
    // Saved: 2 048 × 0.675 = 1 382.4 → 1 382.
    assert.equal(cost.savedByCacheMicros, 1_382);
  });
});

describe('recorded Anthropic usage', () => {
  it('messages-cache-read-write: additive cache counts folded into input (claude-sonnet-4-5 by snapshot)', () => {
    const body = readConformanceJson('anthropic', 'messages-cache-read-write.response.json');
    // input_tokens 3 + cache_creation 418 (all 5-minute) + cache_read 1 111 = 1 532; output 33.
    const decoded = decodeAnthropicUsage(field(body, 'usage'));
    assert.deepEqual(decoded, usage({ inputTokens: 1_532, cachedInputTokens: 1_111, cacheWriteTokens: 418, cacheWrite1hTokens: 0, outputTokens: 33 }));
    // uncached 3 × 3 = 9; read 1 111 × 0.3 = 333.3; 5m write 418 × 3.75 = 1 567.5; output 33 × 15 = 495.
    // Exact 2 404.8 → 2 405; the write (remainder .5) takes the unit: 1 568.
    const cost = priceOf('anthropic', String(field(body, 'model')), decoded);
    assert.deepEqual(parts(cost), [9, 333, 1_568, 0, 495, 2_405]);
    // Saved: 1 111 × 2.7 = 2 999.7 → 3 000.
    assert.equal(cost.savedByCacheMicros, 3_000);
  });

  it('messages-thinking stream: final usage from message_delta (claude-haiku-4-5 by snapshot)', () => {
    const events = sseData(readConformanceText('anthropic', 'messages-thinking.stream.sse'));
    const start = events.find((event) => field(event, 'type') === 'message_start');
    const delta = events.find((event) => field(event, 'type') === 'message_delta');
    const decoded = toCanonicalUsage(mergeAnthropicUsage(readAnthropicUsage(field(start, 'message', 'usage')), readAnthropicUsage(field(delta, 'usage'))));
    // message_start: input 46, no cache (1-hour part 0), output 3 (a placeholder);
    // message_delta: cumulative output 133, thinking included.
    assert.deepEqual(decoded, usage({ inputTokens: 46, cacheWrite1hTokens: 0, outputTokens: 133 }));
    // 46 × 1 + 133 × 5 = 46 + 665 = 711.
    assert.deepEqual(parts(priceOf('anthropic', String(field(start, 'message', 'model')), decoded)), [46, 0, 0, 0, 665, 711]);
  });
});

describe('recorded Gemini usage', () => {
  it('generate-cached-content: 17 379 of 17 713 prompt tokens cached, thoughts added to output (priced as gemini-3-flash)', () => {
    const body = readConformanceJson('gemini', 'generate-cached-content.response.json');
    assertUnknown('gemini', String(field(body, 'modelVersion')));
    // promptTokenCount 17 713 includes cachedContentTokenCount 17 379; output = candidates 68 + thoughts 821.
    const decoded = decodeGeminiUsage(field(body, 'usageMetadata'));
    assert.deepEqual(decoded, usage({ inputTokens: 17_713, cachedInputTokens: 17_379, outputTokens: 889, reasoningTokens: 821 }));
    // uncached 334 × 0.5 = 167; cached 17 379 × 0.05 = 868.95; output 889 × 3 = 2 667.
    // Exact 3 702.95 → 3 703; the cached part takes the unit: 869.
    const cost = priceUsage(seeded('google/gemini-3-flash'), decoded);
    assert.deepEqual(parts(cost), [167, 869, 0, 0, 2_667, 3_703]);
    // Saved: 17 379 × 0.45 = 7 820.55 → 7 821.
    assert.equal(cost.savedByCacheMicros, 7_821);
  });

  it('generate-text: thoughts billed as output (priced as gemini-3.1-pro)', () => {
    const body = readConformanceJson('gemini', 'generate-text.response.json');
    assertUnknown('gemini', String(field(body, 'modelVersion')));
    // prompt 9; candidates 28 + thoughts 244 = 272 output.
    const decoded = decodeGeminiUsage(field(body, 'usageMetadata'));
    assert.deepEqual(decoded, usage({ inputTokens: 9, outputTokens: 272, reasoningTokens: 244 }));
    // 9 × 2 + 272 × 12 = 18 + 3 264 = 3 282 (counting candidates alone would give 354).
    assert.deepEqual(parts(priceUsage(seeded('google/gemini-3.1-pro'), decoded)), [18, 0, 0, 0, 3_264, 3_282]);
  });

  it('stream-thinking: the last usageMetadata of the stream (priced as gemini-3.1-pro)', () => {
    const chunks = sseData(readConformanceText('gemini', 'stream-thinking.stream.sse'));
    const last = chunks.filter((chunk) => field(chunk, 'usageMetadata') !== undefined).at(-1);
    assertUnknown('gemini', String(field(last, 'modelVersion')));
    // prompt 34; candidates 469 + thoughts 787 = 1 256 output.
    const decoded = decodeGeminiUsage(field(last, 'usageMetadata'));
    assert.deepEqual(decoded, usage({ inputTokens: 34, outputTokens: 1_256, reasoningTokens: 787 }));
    // 34 × 2 + 1 256 × 12 = 68 + 15 072 = 15 140.
    assert.equal(priceUsage(seeded('google/gemini-3.1-pro'), decoded).totalMicros, 15_140);
  });
});
