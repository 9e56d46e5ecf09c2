/**
 * The text of a thinking block: first-person planning about the user's question, exactly as many
 * tokens as the core counted as reasoning, so `output_tokens` (which includes thinking) adds up.
 * Deterministic per conversation, so a streamed and a non-streamed answer think the same words and
 * carry the same signature.
 */
import type { SeededRandom } from '../../random.js';
import { countTokens, truncateToTokens } from '../../tokens.js';

const OPENERS = [
  'The user is asking about {topic}.',
  'Let me think about what the user wants regarding {topic}.',
  'The question concerns {topic}.',
];

const STEPS = [
  'First I should pin down what {word} means here, then check how it relates to {word2}.',
  'A short, direct answer will serve better than a long one.',
  'I should mention the main factor first and keep the rest brief.',
  'There might be an edge case around {word} worth noting.',
  'Let me make sure the answer stays accurate and does not overstate anything.',
  'It would help to give one concrete example involving {word2}.',
  'I will structure this as a brief explanation followed by a practical tip.',
  'The key distinction is between {word} and what people usually assume.',
  'Is there anything about {word2} the user did not say but probably needs?',
  'I could compare two options here, but one clear recommendation is more useful.',
  'Let me double-check the reasoning about {word} before writing it down.',
  'A common misunderstanding is to treat {word} and {word2} as the same thing.',
  'The answer should end with something the user can act on.',
  'I do not need to hedge much; the facts here are fairly settled.',
  'Maybe a quick list would read better than a paragraph.',
  'Okay, I think I have enough to answer.',
]

export function composeThinking(question: string, keywords: readonly string[], tokens: number, random: SeededRandom): string {
  if (tokens <= 0) return '';
  const words = keywords.length > 0 ? keywords : ['the request'];
  const topic = question.length > 0 && question.length <= 80 ? `"${question}"` : words.slice(0, 2).join(' and ');
  const fill = (template: string): string => template
    .replace('{topic}', topic)
    .replace('{word}', random.pick(words))
    .replace('{word2}', random.pick(words.length > 1 ? words.slice(1) : words));
  let text = fill(random.pick(OPENERS));
  let count = countTokens(text);
  // Walk the steps in a shuffled order, reshuffling when they run out, so sentences rarely repeat.
  let order: string[] = [];
  while (count < tokens) {
    if (order.length === 0) order = shuffled(STEPS, random);
    const separator = random.chance(0.25) ? '\n\n' : ' ';
    const sentence = fill(order.pop() ?? '');
    text += separator + sentence;
    count += countTokens(separator + sentence);
  }
  return truncateToTokens(text, tokens);
}

function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = random.integer(0, index);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}
