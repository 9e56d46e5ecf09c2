/**
 * Random conversations for the context-policy property tests: system messages at the start and
 * between turns, user turns of any size, assistant rounds with parallel tool calls answered in one
 * or several tool messages, reasoning, and now and then a user message placed between a call and
 * its result (an order some decoders produce) to put the never-split rule under pressure.
 */
import fc from 'fast-check';
import type { AssistantContentPart, CanonicalMessage, CanonicalRequest, ToolResultPart } from '../canonical/types.js';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'report', 'line', 'value', 'error', 'result', '城市', 'naïve', '😀'];

const size = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 200, max: 2500 }) });
const text = fc.tuple(size, fc.nat(10)).map(([tokens, seed]) => prose(tokens, seed));

/** About `tokens` tokens of words, with a line break now and then. */
export function prose(tokens: number, seed = 0): string {
  let out = '';
  for (let index = 0; index < tokens; index++) out += (index === 0 ? '' : index % 17 === 0 ? '\n' : ' ') + WORDS[(index + seed) % WORDS.length];
  return out;
}

interface Round {
  calls: number;
  split: boolean;
  interleavedUser: boolean;
  resultText: string[];
  reasoning: boolean;
  preamble: string | undefined;
}

const round: fc.Arbitrary<Round> = fc.record({
  calls: fc.integer({ min: 0, max: 3 }),
  split: fc.boolean(),
  interleavedUser: fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0),
  resultText: fc.array(text, { minLength: 3, maxLength: 3 }),
  reasoning: fc.boolean(),
  preamble: fc.option(text, { nil: undefined }),
});

const turn = fc.record({
  user: fc.array(text, { minLength: 1, maxLength: 2 }),
  rounds: fc.array(round, { maxLength: 3 }),
  answer: fc.option(text, { nil: undefined }),
  systemBefore: fc.option(text, { nil: undefined, freq: 5 }),
});

/** A request whose conversation follows the structural rules every provider enforces (apart from the deliberate interleaving). */
export const conversationRequest: fc.Arbitrary<CanonicalRequest> = fc
  .record({ system: fc.option(text, { nil: undefined }), turns: fc.array(turn, { minLength: 1, maxLength: 7 }), maxOutputTokens: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }) })
  .map(({ system, turns, maxOutputTokens }) => {
    const messages: CanonicalMessage[] = [];
    if (system !== undefined) messages.push({ role: 'system', content: [{ type: 'text', text: system }] });
    let callNumber = 0;
    turns.forEach((entry, turnIndex) => {
      if (entry.systemBefore !== undefined && turnIndex > 0) messages.push({ role: 'system', content: [{ type: 'text', text: entry.systemBefore }] });
      messages.push({ role: 'user', content: entry.user.map((part) => ({ type: 'text', text: part })) });
      for (const step of entry.rounds) {
        const content: AssistantContentPart[] = [];
        if (step.reasoning) content.push({ type: 'reasoning', text: 'thinking it over', origin: 'anthropic', signature: 'c2ln' });
        if (step.preamble !== undefined || step.calls === 0) content.push({ type: 'text', text: step.preamble ?? 'ok' });
        const ids = Array.from({ length: step.calls }, () => `call_${callNumber++}`);
        for (const id of ids) content.push({ type: 'tool-call', id, name: 'lookup', arguments: '{"q":"x"}' });
        messages.push({ role: 'assistant', content });
        if (ids.length === 0) continue;
        if (step.interleavedUser) messages.push({ role: 'user', content: [{ type: 'text', text: 'also this' }] });
        const results: ToolResultPart[] = ids.map((id, index) => ({ type: 'tool-result', toolCallId: id, toolName: 'lookup', content: [{ type: 'text', text: step.resultText[index % 3] ?? 'r' }] }));
        if (step.split) for (const result of results) messages.push({ role: 'tool', content: [result] });
        else messages.push({ role: 'tool', content: results });
      }
      if (entry.answer !== undefined) messages.push({ role: 'assistant', content: [{ type: 'text', text: entry.answer }] });
    });
    return { model: 'test-model', messages, stream: false, ...(maxOutputTokens !== undefined && { maxOutputTokens }), tools: [{ name: 'lookup', parameters: { type: 'object' } }] };
  });
