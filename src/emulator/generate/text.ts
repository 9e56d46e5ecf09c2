/**
 * Readable, deterministic reply text. Not meant to be clever: it acknowledges images and tool
 * results, echoes the user's topic words, and fills the rest with plain sentences, so a demo reads
 * naturally and a test can predict its length.
 */
import type { SeededRandom } from '../random.js';
import { countTokens } from '../tokens.js';
import type { ConversationFacts } from './conversation.js';

const OPENERS = [
  'Here is a short answer about {topic}.',
  'Good question about {topic}.',
  'Let me walk through {topic} briefly.',
  'Happy to help with {topic}.',
];

const BODY = [
  'The key point with {topic} is that a few factors matter, and they are easy to check.',
  'In practice, {word} matters more than most people expect.',
  'A sensible first step is to look at {word} and compare it with {word2}.',
  'Most of the time the simplest explanation turns out to be the right one.',
  'It helps to separate what is known from what is assumed.',
  'If {word} changes, the rest of the picture usually changes with it.',
  'Small, careful changes tend to work better than large ones.',
  'Details about {word2} are worth writing down before deciding.',
  'There are trade-offs, but none of them are hard to reason about.',
  'Checking the result against a second source is a cheap safeguard.',
];

const CLOSERS = [
  'Let me know if you want more detail on {word}.',
  'I hope that helps.',
  'Tell me if you would like a shorter or longer version.',
  'Happy to expand on any part of this.',
];

/** Natural replies land between these lengths when no hook or limit says otherwise. */
const NATURAL_MINIMUM_TOKENS = 40;
const NATURAL_MAXIMUM_TOKENS = 120;

/**
 * Compose a reply. With `targetTokens` the text is built until it reaches at least that many
 * tokens (the caller trims to the exact count); without it the length is natural.
 */
export function composeReply(facts: ConversationFacts, random: SeededRandom, targetTokens?: number): string {
  const words = facts.hints.keywords.length > 0 ? facts.hints.keywords : ['this', 'the question'];
  const topic = words.slice(0, 2).join(' and ');
  const fill = (template: string): string => template
    .replace('{topic}', topic)
    .replace('{word}', random.pick(words))
    .replace('{word2}', random.pick(words.length > 1 ? words.slice(1) : words));
  const sentences: string[] = [];
  if (facts.imageCount > 0) sentences.push(`I can see ${facts.imageCount} image${facts.imageCount === 1 ? '' : 's'} in your message.`);
  for (const result of facts.pendingToolResults) sentences.push(describeToolResult(result.name, result.content));
  if (facts.pendingToolResults.length > 0) sentences.push('Based on that result, here is what it means.');
  else sentences.push(fill(random.pick(OPENERS)));
  const goal = targetTokens ?? random.integer(NATURAL_MINIMUM_TOKENS, NATURAL_MAXIMUM_TOKENS);
  let text = sentences.join(' ');
  let tokens = countTokens(text);
  let lastBody = '';
  while (tokens < goal) {
    let sentence = fill(random.pick(BODY));
    if (sentence === lastBody) sentence = fill(random.pick(BODY));
    lastBody = sentence;
    // A paragraph break now and then, as real answers have.
    const separator = random.chance(0.15) ? '\n\n' : ' ';
    text += separator + sentence;
    // Token counts of space-led sentences add up (nearly) exactly; re-encoding the whole text each
    // time would make long replies quadratic.
    tokens += countTokens(separator + sentence);
  }
  if (targetTokens === undefined) text += ` ${fill(random.pick(CLOSERS))}`;
  return text;
}

function describeToolResult(name: string, content: string): string {
  const flat = content.replace(/\s+/g, ' ').trim();
  const shown = flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
  return shown.length === 0 ? `The ${name} tool returned an empty result.` : `The ${name} tool returned: ${shown}`;
}
