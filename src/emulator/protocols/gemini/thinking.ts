/**
 * Gemini thinking, mapped onto the core's reasoning effort. Gemini models think unless told not to:
 * Gemini 3 at a `thinkingLevel` (default HIGH, cannot be switched off), 2.5 within a
 * `thinkingBudget` (-1 dynamic by default; 0 switches it off where the model allows).
 * https://ai.google.dev/gemini-api/docs/thinking
 * A budget maps to the largest effort whose token range fits inside it, so thoughts never exceed
 * the budget (below 64 tokens the smallest effort may overshoot, as Gemini itself may).
 */
import type { SeededRandom } from '../../random.js';
import type { GeminiThinkingConfig } from './wire-types.js';

/** Gemini 3 and later: thinking levels, mandatory thought signatures on function calls. */
export function isGemini3(model: string): boolean {
  const generation = /^gemini-(\d+)/i.exec(model)?.[1];
  return generation !== undefined && Number(generation) >= 3;
}

/** 2.5 Pro cannot switch thinking off ("This model only works in thinking mode"). */
export function thinksAlways(model: string): boolean {
  return isGemini3(model) || /^gemini-2\.5-pro/i.test(model);
}

const LEVEL_EFFORT: Record<string, string | undefined> = { MINIMAL: 'minimal', LOW: 'low', MEDIUM: 'medium', HIGH: 'high' };

/** The effort the core should think at; undefined = no thinking. */
export function thinkingEffort(model: string, config: GeminiThinkingConfig | undefined): string | undefined {
  const level = config?.thinkingLevel;
  if (level !== undefined && level !== 'THINKING_LEVEL_UNSPECIFIED') return LEVEL_EFFORT[level];
  const budget = config?.thinkingBudget;
  if (budget === undefined || budget === -1) return isGemini3(model) ? 'high' : 'medium';
  if (budget === 0) return thinksAlways(model) ? 'minimal' : undefined;
  if (budget >= 4096) return 'xhigh';
  if (budget >= 2048) return 'high';
  if (budget >= 768) return 'medium';
  if (budget >= 256) return 'low';
  return 'minimal';
}

const HEADINGS = ['Understanding the Request', 'Considering the Question', 'Clarifying the Goal', 'Outlining an Answer', 'Weighing the Options', 'Refining the Response'];
const SENTENCES = [
  "I'm focusing on what the question about {topic} is really asking for.",
  "I've pinpointed the key point: {topic} needs a clear, direct answer.",
  "I'm now weighing which details about {word} matter most here.",
  "I'm structuring the answer so the most useful part comes first.",
  "I'm checking whether a tool call would give a better answer than reasoning alone.",
  "I've settled on a concise explanation that stays close to what was asked.",
];

/**
 * Thought summaries as Gemini words them [conformance gemini/stream-thinking.stream.sse]: a bold
 * heading, a blank line, a few first-person sentences, paragraphs ending in a blank line.
 */
export function thoughtSummaries(keywords: readonly string[], random: SeededRandom): string[] {
  const words = keywords.length > 0 ? keywords : ['the question'];
  const topic = words.slice(0, 2).join(' and ');
  const count = random.integer(1, 3);
  const headings = [...HEADINGS];
  const paragraphs: string[] = [];
  for (let index = 0; index < count; index++) {
    const heading = headings.splice(random.integer(0, headings.length - 1), 1)[0] ?? 'Thinking';
    const body = [random.pick(SENTENCES), random.pick(SENTENCES)]
      .map((sentence) => sentence.replace('{topic}', topic).replace('{word}', random.pick(words)))
      .join(' ');
    paragraphs.push(`**${heading}**\n\n${body}\n\n\n`);
  }
  return paragraphs;
}
