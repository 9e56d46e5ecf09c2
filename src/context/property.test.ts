import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CanonicalMessage, CanonicalRequest } from '../canonical/types.js';
import { estimateRequestTokens } from '../routing/token-estimate.js';
import { conversationRequest } from './arbitraries.js';
import { applyContextPolicy } from './index.js';
import type { ContextLimits } from './types.js';

const RUNS = { numRuns: 250 };

/** A request with limits anywhere from far too small to comfortably large. */
const scenario = conversationRequest.chain((request) => {
  const tokens = estimateRequestTokens(request);
  return fc
    .record({
      window: fc.integer({ min: 50, max: Math.ceil(tokens * 1.3) + 60 }),
      reliableShare: fc.option(fc.double({ min: 0.3, max: 1, noNaN: true }), { nil: undefined }),
      keepLastTurns: fc.integer({ min: 1, max: 3 }),
    })
    .map(({ window, reliableShare, keepLastTurns }) => {
      const limits: ContextLimits = { contextWindow: window, ...(reliableShare !== undefined && { reliableContext: Math.floor(window * reliableShare) }) };
      return { request, limits, keepLastTurns };
    });
});

const callIds = (messages: readonly CanonicalMessage[]): Set<string> =>
  new Set(messages.flatMap((message) => message.content.flatMap((part) => (part.type === 'tool-call' ? [part.id] : []))));
const resultIds = (messages: readonly CanonicalMessage[]): Set<string> =>
  new Set(messages.flatMap((message) => message.content.flatMap((part) => (part.type === 'tool-result' ? [part.toolCallId] : []))));
const systems = (request: CanonicalRequest): CanonicalMessage[] => request.messages.filter((message) => message.role === 'system');
const conversation = (request: CanonicalRequest): CanonicalMessage[] => request.messages.filter((message) => message.role !== 'system');
const budget = (request: CanonicalRequest, limits: ContextLimits): number =>
  Math.max(0, Math.min(limits.reliableContext ?? limits.contextWindow, limits.contextWindow - (request.maxOutputTokens ?? 0)));

/** Every way to drop the oldest turns that keeps tool pairs whole and at least `keep` user turns, found by brute force. */
function validSlides(request: CanonicalRequest, keep: number): CanonicalRequest[] {
  const slides: CanonicalRequest[] = [];
  const pairs = [...callIds(request.messages)].filter((id) => resultIds(request.messages).has(id));
  request.messages.forEach((message, cut) => {
    if (message.role !== 'user' || !request.messages.slice(0, cut).some((earlier) => earlier.role !== 'system')) return;
    const kept = request.messages.filter((entry, index) => index >= cut || entry.role === 'system');
    if (kept.filter((entry) => entry.role === 'user').length < keep) return;
    const calls = callIds(kept);
    const results = resultIds(kept);
    if (pairs.every((id) => calls.has(id) === results.has(id))) slides.push({ ...request, messages: kept });
  });
  return slides;
}

describe('context policies (properties)', () => {
  it('leave a request that fits untouched, whatever the policy', () => {
    fc.assert(
      fc.property(scenario, ({ request, limits, keepLastTurns }) => {
        const fits = estimateRequestTokens(request) <= budget(request, limits);
        for (const policy of [{ mode: 'refuse' }, { mode: 'escalate' }, { mode: 'slide', keepLastTurns }, { mode: 'truncate-middle' }] as const) {
          const outcome = applyContextPolicy(request, limits, policy);
          assert.equal(outcome.fits, outcome.inputTokens <= outcome.limitTokens);
          if (fits) {
            assert.equal(outcome.request, request);
            assert.equal(outcome.action, 'none');
          } else if (policy.mode === 'refuse' || policy.mode === 'escalate') {
            assert.equal(outcome.request, request);
            assert.equal(outcome.action, policy.mode);
            assert.ok(outcome.needs !== undefined && outcome.needs.reliableContext > outcome.limitTokens);
          }
        }
      }),
      RUNS,
    );
  });

  it('slide: never splits a tool call from its result, never drops a system message, keeps the latest turns and opens on a user turn', () => {
    fc.assert(
      fc.property(scenario, ({ request, limits, keepLastTurns }) => {
        const { request: slid } = applyContextPolicy(request, limits, { mode: 'slide', keepLastTurns });
        const calls = callIds(slid.messages);
        const results = resultIds(slid.messages);
        for (const id of callIds(request.messages)) {
          if (resultIds(request.messages).has(id)) assert.equal(calls.has(id), results.has(id), `call ${id} and its result stay together`);
        }
        assert.deepEqual(systems(slid), systems(request));
        const before = conversation(request);
        const after = conversation(slid);
        assert.deepEqual(after, before.slice(before.length - after.length), 'what remains is the latest part of the conversation');
        if (after.length < before.length) assert.equal(after[0]?.role, 'user');
        const userTurns = (messages: CanonicalMessage[]): number => messages.filter((message) => message.role === 'user').length;
        assert.ok(userTurns(after) >= Math.min(keepLastTurns, userTurns(before)));
      }),
      RUNS,
    );
  });

  it('slide: fits whenever some valid slide fits, dropping no more than needed', () => {
    fc.assert(
      fc.property(scenario, ({ request, limits, keepLastTurns }) => {
        const limit = budget(request, limits);
        if (estimateRequestTokens(request) <= limit) return;
        const outcome = applyContextPolicy(request, limits, { mode: 'slide', keepLastTurns });
        assert.equal(outcome.inputTokens, estimateRequestTokens(outcome.request));
        const fitting = validSlides(request, keepLastTurns).filter((slide) => estimateRequestTokens(slide) <= limit);
        assert.equal(outcome.fits, fitting.length > 0, outcome.detail);
        // The longest fitting slide is the one that drops least.
        if (outcome.fits) assert.equal(outcome.request.messages.length, Math.max(...fitting.map((slide) => slide.messages.length)));
      }),
      RUNS,
    );
  });

  it('truncate-middle: changes only user and tool-result text, keeping each end and marking the cut, and fits when cutting can make it fit', () => {
    fc.assert(
      fc.property(scenario, ({ request, limits }) => {
        const limit = budget(request, limits);
        const outcome = applyContextPolicy(request, limits, { mode: 'truncate-middle' });
        const { request: cut } = outcome;
        assert.equal(cut.messages.length, request.messages.length);
        let floor = estimateRequestTokens(request);
        cut.messages.forEach((message, index) => {
          const original = request.messages[index]!;
          assert.equal(message.role, original.role);
          if (original.role === 'system' || original.role === 'assistant') return assert.deepEqual(message, original);
          const texts = (entry: CanonicalMessage): string[] =>
            entry.content.flatMap((part) => (part.type === 'text' ? [part.text] : part.type === 'tool-result' ? part.content.flatMap((inner) => (inner.type === 'text' ? [inner.text] : [])) : []));
          const [now, then] = [texts(message), texts(original)];
          assert.equal(now.length, then.length);
          now.forEach((text, position) => {
            const was = then[position]!;
            if (text === was) return;
            const match = /\n\n\[… [\d,]+ tokens omitted …\]\n\n/.exec(text);
            assert.ok(match !== null, 'a marker shows the cut');
            assert.ok(was.startsWith(text.slice(0, match.index)) && was.endsWith(text.slice(match.index + match[0].length)), 'the ends are the original ends');
            assert.ok(text.length < was.length);
            assert.doesNotMatch(text, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no broken surrogate pair');
          });
          // What the most thorough cut could reach: each long text down to 200 characters at each end.
          for (const was of then) if (was.length > 600) floor -= Math.max(0, estimateRequestTokens({ ...request, tools: undefined, messages: [{ role: 'user', content: [{ type: 'text', text: was }] }] }) - 150);
        });
        if (floor + 16 <= limit) assert.ok(outcome.fits, `${outcome.detail} (floor ~${floor}, limit ${limit})`);
        if (outcome.fits) assert.ok(estimateRequestTokens(cut) <= limit);
      }),
      RUNS,
    );
  });
});
