import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalMessage, CanonicalRequest } from '../canonical/types.js';
import { CODECS } from '../protocols/registry.js';
import { estimateRequestTokens } from '../routing/token-estimate.js';
import { readConformanceJson } from '../testing/conformance.js';
import { prose } from './arbitraries.js';
import { applyContextPolicy, cutPoints } from './index.js';

const user = (text: string): CanonicalMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): CanonicalMessage => ({ role: 'assistant', content: [{ type: 'text', text }] });
const system = (text: string): CanonicalMessage => ({ role: 'system', content: [{ type: 'text', text }] });
const call = (id: string): CanonicalMessage => ({ role: 'assistant', content: [{ type: 'tool-call', id, name: 'lookup', arguments: '{}' }] });
const result = (id: string, text = 'found it'): CanonicalMessage => ({ role: 'tool', content: [{ type: 'tool-result', toolCallId: id, content: [{ type: 'text', text }] }] });
const request = (messages: CanonicalMessage[], extra: Partial<CanonicalRequest> = {}): CanonicalRequest => Object.freeze({ model: 'm', stream: false, messages, ...extra });

/** A chat of `turns` question/answer pairs of about `tokens` tokens each, after a system prompt. */
function chat(turns: number, tokens: number): CanonicalRequest {
  const messages: CanonicalMessage[] = [system('You are helpful.')];
  for (let turn = 0; turn < turns; turn++) messages.push(user(`Q${turn} ${prose(tokens)}`), assistant(`A${turn} ${prose(tokens)}`));
  messages.push(user('And now?'));
  return request(messages);
}

describe('applyContextPolicy', () => {
  it('returns a request within its budget as is, whatever the policy', () => {
    const small = chat(2, 50);
    for (const policy of [{ mode: 'refuse' }, { mode: 'slide', keepLastTurns: 1 }, { mode: 'truncate-middle' }] as const) {
      const outcome = applyContextPolicy(small, { contextWindow: 10_000 }, policy);
      assert.equal(outcome.request, small);
      assert.equal(outcome.action, 'none');
      assert.equal(outcome.fits, true);
      assert.match(outcome.detail, /within the 10,000-token input budget/);
    }
  });

  it('refuses with the tokens and the limits named, and says how large a model would have to be', () => {
    const big = chat(4, 1000);
    const tokens = estimateRequestTokens(big);
    const outcome = applyContextPolicy(big, { contextWindow: 6000, reliableContext: 4000, reservedOutputTokens: 1000, model: 'small-model' }, { mode: 'refuse' });
    assert.equal(outcome.action, 'refuse');
    assert.equal(outcome.request, big);
    assert.equal(outcome.fits, false);
    assert.equal(outcome.withinContextWindow, false);
    assert.equal(outcome.limitTokens, 4000);
    assert.deepEqual(outcome.needs, { reliableContext: tokens, contextWindow: tokens + 1000 });
    assert.equal(outcome.detail, `input is ~${tokens.toLocaleString('en-US')} tokens (estimated), over the 4,000-token input budget of small-model (reliable context 4,000 of a 6,000-token window, 1,000 reserved for output)`);
  });

  it('asks for a larger model on escalate, telling whether the window itself would still take it', () => {
    const big = chat(4, 1000);
    const outcome = applyContextPolicy(big, { contextWindow: 100_000, reliableContext: 4000 }, { mode: 'escalate' });
    assert.equal(outcome.action, 'escalate');
    assert.equal(outcome.withinContextWindow, true);
    assert.match(outcome.detail, /needs a model reliable to [\d,]+ input tokens/);
  });

  it("leaves room for the request's own output cap, unless told otherwise", () => {
    const body = request(chat(1, 400).messages, { maxOutputTokens: 900 });
    assert.equal(applyContextPolicy(body, { contextWindow: 1000 }, { mode: 'refuse' }).limitTokens, 100);
    assert.equal(applyContextPolicy(body, { contextWindow: 1000, reservedOutputTokens: 0 }, { mode: 'refuse' }).limitTokens, 1000);
  });

  describe('slide', () => {
    it('drops the oldest turns, keeping the system prompt, until the request fits', () => {
      const long = chat(6, 500);
      const outcome = applyContextPolicy(long, { contextWindow: 2600 }, { mode: 'slide', keepLastTurns: 1 });
      assert.equal(outcome.action, 'slide');
      assert.equal(outcome.fits, true);
      assert.ok(outcome.inputTokens <= 2600);
      assert.equal(outcome.request.messages[0]?.role, 'system');
      assert.equal(outcome.request.messages[1]?.role, 'user');
      assert.equal(outcome.request.messages.at(-1), long.messages.at(-1));
      assert.equal(outcome.droppedMessages, long.messages.length - outcome.request.messages.length);
      // Just enough: keeping one more turn (its question and answer) would not have fit.
      const firstKept = long.messages.length - outcome.request.messages.length + 1;
      const oneMore = [long.messages[0]!, ...long.messages.slice(firstKept - 2)];
      assert.equal(oneMore[1]?.role, 'user');
      assert.ok(estimateRequestTokens({ ...long, messages: oneMore }) > 2600);
      assert.match(outcome.detail, /dropped the oldest \d+ message\(s\), input ~[\d,]+ → ~[\d,]+ tokens, within the 2,600-token input budget/);
    });

    it('never cuts between a tool call and its result, even with a user message in between', () => {
      const messages = [user(prose(800)), call('a'), user('while you look: hurry'), result('a', prose(800)), assistant('done'), user('next')];
      assert.deepEqual(cutPoints(messages), [5], 'index 2 would separate call a from its result');
      const outcome = applyContextPolicy(request(messages), { contextWindow: 200 }, { mode: 'slide', keepLastTurns: 1 });
      assert.deepEqual(outcome.request.messages, [user('next')]);
    });

    it('says so when the kept turns alone are over the budget', () => {
      const outcome = applyContextPolicy(chat(3, 800), { contextWindow: 500 }, { mode: 'slide', keepLastTurns: 2 });
      assert.equal(outcome.fits, false);
      assert.ok(outcome.droppedMessages !== undefined && outcome.droppedMessages > 0, 'it still drops what it may');
      assert.match(outcome.detail, /still over the 500-token input budget .*: the latest 2 turn\(s\) and the system messages alone are ~[\d,]+ tokens/);
      assert.ok(outcome.needs !== undefined);
    });

    it('cannot slide a single-turn agent loop, and says why', () => {
      const loop = request([system('Agent.'), user('Do the task.'), call('a'), result('a', prose(3000)), call('b'), result('b', prose(3000))]);
      const outcome = applyContextPolicy(loop, { contextWindow: 1000 }, { mode: 'slide', keepLastTurns: 1 });
      assert.equal(outcome.request, loop);
      assert.equal(outcome.fits, false);
      assert.match(outcome.detail, /the conversation has 1 turn\(s\) and the latest 1 are kept/);
    });

    it('slides a recorded OpenAI tool conversation only at the user turn', () => {
      const decoded = CODECS['openai-chat'].decodeRequest(readConformanceJson('openai', 'chat-tool-result.request.json') as Record<string, unknown>);
      const longer = request([...decoded.messages, assistant(prose(2000)), user('Thanks. And the capital of France?')], { tools: decoded.tools });
      assert.deepEqual(cutPoints(longer.messages), [4]);
      const outcome = applyContextPolicy(longer, { contextWindow: 300 }, { mode: 'slide', keepLastTurns: 1 });
      assert.equal(outcome.fits, true);
      assert.deepEqual(outcome.request.messages, [user('Thanks. And the capital of France?')]);
      assert.equal(outcome.request.tools, decoded.tools);
    });
  });

  describe('truncate-middle', () => {
    it('cuts the middle out of the longest document, keeping its ends and marking the cut', () => {
      const document = `TITLE: Annual report\n${prose(6000)}\nCONCLUSION: all good.`;
      const body = request([system(prose(300)), user(`Summarise:\n${document}`), assistant('Sure.'), user(`And this note: ${prose(500)}`)]);
      const outcome = applyContextPolicy(body, { contextWindow: 3000 }, { mode: 'truncate-middle' });
      assert.equal(outcome.action, 'truncate-middle');
      assert.equal(outcome.fits, true);
      assert.ok(outcome.inputTokens <= 3000 && outcome.inputTokens > 2500, `${outcome.inputTokens}: no more cut than needed`);
      const [kept, untouchedSystem, note] = [outcome.request.messages[1], outcome.request.messages[0], outcome.request.messages[3]];
      assert.equal(untouchedSystem, body.messages[0]);
      assert.equal(note, body.messages[3], 'the shorter text was not needed');
      const text = kept?.content[0]?.type === 'text' ? kept.content[0].text : '';
      assert.match(text, /^Summarise:\nTITLE: Annual report/);
      assert.match(text, /CONCLUSION: all good\.$/);
      const omitted = /\[… ([\d,]+) tokens omitted …\]/.exec(text);
      assert.ok(omitted !== null);
      assert.ok(Math.abs(Number(omitted[1]?.replaceAll(',', '')) - (outcome.omittedTokens ?? 0)) <= 1);
      assert.match(outcome.detail, /omitted ~[\d,]+ tokens from the middle of 1 text part\(s\)/);
    });

    it('cuts tool results too, the longest first, and never the system prompt', () => {
      const body = request([system(prose(2000)), user('Look these up.'), call('a'), result('a', prose(3000)), call('b'), result('b', prose(1500))]);
      const outcome = applyContextPolicy(body, { contextWindow: 4000 }, { mode: 'truncate-middle' });
      assert.equal(outcome.fits, true);
      assert.equal(outcome.request.messages[0], body.messages[0]);
      const resultText = (message: CanonicalMessage | undefined): string => (message?.role === 'tool' && message.content[0]?.content[0]?.type === 'text' ? message.content[0].content[0].text : '');
      assert.match(resultText(outcome.request.messages[3]), /tokens omitted/);
    });

    it('says so when only instructions are long', () => {
      const body = request([system(prose(5000)), user('Hi')]);
      const outcome = applyContextPolicy(body, { contextWindow: 1000 }, { mode: 'truncate-middle' });
      assert.equal(outcome.fits, false);
      assert.equal(outcome.request, body);
      assert.match(outcome.detail, /still over the 1,000-token input budget .*: no more user or tool-result text long enough to cut/);
    });
  });
});
