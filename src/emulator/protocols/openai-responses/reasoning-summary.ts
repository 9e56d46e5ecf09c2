/**
 * Reasoning summaries, shaped like OpenAI's [conformance openai/responses-reasoning-summary.stream.sse]:
 * each part opens with a bold heading, then a short paragraph in the first person. Longer reasoning
 * gets more parts (up to four); `concise` gets one short part. The hidden reasoning itself is only a
 * token count, so the summary is written from the user's topic words.
 */
import type { SeededRandom } from '../../random.js';
import type { ReasoningSummaryMode } from './request.js';

const HEADINGS = ['Considering {topic}', 'Clarifying the request about {topic}', 'Weighing options for {topic}', 'Planning the answer on {topic}', 'Checking details of {topic}'];
const SENTENCES = [
  'The user is asking about {topic}, so I should work out what matters most here.',
  'I want to make sure I understand what is being asked before answering.',
  'A short, clear structure will probably work best for this.',
  'I should check whether {word} changes the answer in any important way.',
  'It makes sense to separate the facts from the assumptions.',
  'I will keep the answer focused and mention {word} where it helps.',
  'There may be a tool that can help, so I should consider calling it.',
];

const TOKENS_PER_PART = 1_024;
const MAXIMUM_PARTS = 4;

export function composeReasoningSummary(mode: ReasoningSummaryMode, reasoningTokens: number, topicWords: readonly string[], random: SeededRandom): string[] {
  const words = topicWords.length > 0 ? topicWords : ['the question'];
  const topic = words.slice(0, 2).join(' and ');
  const fill = (template: string): string => template.replace('{topic}', topic).replace('{word}', random.pick(words));
  const partCount = mode === 'concise' ? 1 : Math.min(MAXIMUM_PARTS, 1 + Math.floor(reasoningTokens / TOKENS_PER_PART));
  const sentencesPerPart = mode === 'concise' ? 1 : mode === 'detailed' ? 4 : 3;
  const parts: string[] = [];
  for (let index = 0; index < partCount; index++) {
    const body: string[] = [];
    for (let count = 0; count < sentencesPerPart; count++) body.push(fill(random.pick(SENTENCES)));
    parts.push(`**${fill(HEADINGS[(index + random.integer(0, HEADINGS.length - 1)) % HEADINGS.length] ?? '')}**\n\n${body.join(' ')}`);
  }
  return parts;
}
