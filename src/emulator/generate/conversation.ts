/**
 * What the generator reads from a conversation: the last user turn (its text, images and test
 * hooks), tool results that came back since, and words worth echoing.
 */
import type { EmulatorPrompt, PromptMessage } from '../types.js';
import type { ValueHints } from './json-schema-value.js';

export interface ToolResultSummary {
  name: string;
  content: string;
}

export interface ConversationFacts {
  lastUserText: string;
  /** Images in the last user turn. */
  imageCount: number;
  /** Tool results after the last assistant tool call, when the conversation ends with them. */
  pendingToolResults: ToolResultSummary[];
  hints: ValueHints;
  hooks: TestHooks;
}

/** Markers a test writes into the last user message to pin the answer down. */
export interface TestHooks {
  /** `[[reply: exact text]]`: answer exactly this. */
  reply: string | undefined;
  /** `[[tokens: N]]`: answer with N tokens of text. */
  tokens: number | undefined;
  /** `[[refusal: text]]`: refuse with this text. */
  refusal: string | undefined;
}

const STOP_WORDS = new Set(('a an and are as at be but by can could do does for from had has have how i if in into is it its me my of on or our please should so some than that the their them then there these they this to us use was we what when where which who why will with would you your about call get tell give show make look find want need just also any each very more most').split(' '));

export function readConversation(prompt: EmulatorPrompt): ConversationFacts {
  const lastUser = findLast(prompt.messages, (message) => message.role === 'user');
  const lastUserText = lastUser === undefined ? '' : textOf(lastUser);
  const imageCount = lastUser === undefined ? 0 : lastUser.parts.filter((part) => part.type === 'image').length;
  return {
    lastUserText,
    imageCount,
    pendingToolResults: pendingToolResults(prompt.messages),
    hints: { keywords: keywordsOf(lastUserText), properNouns: properNounsOf(lastUserText), query: lastUserText.replace(/\[\[[^\]]*\]\]/g, '').trim() },
    hooks: readHooks(lastUserText),
  };
}

export function readHooks(text: string): TestHooks {
  const reply = /\[\[reply:([\s\S]*?)\]\]/.exec(text)?.[1]?.trim();
  const tokens = /\[\[tokens:\s*(\d+)\s*\]\]/.exec(text)?.[1];
  const refusal = /\[\[refusal:([\s\S]*?)\]\]/.exec(text)?.[1]?.trim();
  return { reply, tokens: tokens === undefined ? undefined : Number(tokens), refusal };
}

export function textOf(message: PromptMessage): string {
  return message.parts.map((part) => (part.type === 'text' ? part.text : part.type === 'tool-result' ? part.content : '')).filter((text) => text.length > 0).join('\n');
}

/** Results the model has not answered yet: the trailing tool messages after the last assistant turn. */
function pendingToolResults(messages: readonly PromptMessage[]): ToolResultSummary[] {
  const results: ToolResultSummary[] = [];
  const callNames = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.parts) if (part.type === 'tool-call') callNames.set(part.id, part.name);
  }
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message === undefined || message.role === 'assistant') break;
    // A user turn after the results (e.g. an image that a tool message could not hold) still counts.
    for (const part of [...message.parts].reverse()) {
      if (part.type === 'tool-result') results.unshift({ name: part.name ?? callNames.get(part.callId) ?? 'the tool', content: part.content });
    }
  }
  return results;
}

function keywordsOf(text: string): string[] {
  const words = text.replace(/\[\[[^\]]*\]\]/g, ' ').toLowerCase().match(/[a-z][a-z'-]{3,}/g) ?? [];
  const unique = [...new Set(words.filter((word) => !STOP_WORDS.has(word)))];
  // Longer words tend to carry the topic; keep the user's order among equals.
  return unique.map((word, index) => ({ word, index })).sort((first, second) => second.word.length - first.word.length || first.index - second.index).map((entry) => entry.word).slice(0, 8);
}

function properNounsOf(text: string): string[] {
  const nouns: string[] = [];
  const pattern = /(^|[.!?]\s+|\s)([A-Z][A-Za-z]+(?:\s[A-Z][a-z]+)?)/g;
  for (const match of text.replace(/\[\[[^\]]*\]\]/g, ' ').matchAll(pattern)) {
    const sentenceStart = (match.index ?? 0) === 0 || /[.!?]/.test(match[1] ?? '');
    const word = match[2] ?? '';
    if (sentenceStart && word !== word.toUpperCase()) continue;
    if (word === 'I' || STOP_WORDS.has(word.toLowerCase())) continue;
    nouns.push(word);
  }
  return [...new Set(nouns)];
}

function findLast<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item !== undefined && predicate(item)) return item;
  }
  return undefined;
}
