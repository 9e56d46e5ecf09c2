/**
 * The prompt as one token sequence, used both for `prompt_tokens` and for the prefix cache (so the
 * count and the cache can never disagree). Layout, after OpenAI's chat format: tool definitions
 * first (they are rendered into the system prompt), then each message as 3 framing tokens plus its
 * content, then 3 tokens priming the reply. An image stands for a fixed number of placeholder
 * tokens derived from its URL, so the same image caches and a different one does not.
 */
import { hashString } from '../random.js';
import {
  encodeText, IMAGE_TOKENS_DEFAULT, IMAGE_TOKENS_LOW_DETAIL, MESSAGE_OVERHEAD_TOKENS, REPLY_PRIMING_TOKENS,
} from '../tokens.js';
import type { EmulatorPrompt, PromptPart, PromptTool } from '../types.js';

/** Ids above the o200k vocabulary, so framing and image placeholders never collide with text. */
const FRAME_TOKEN_BASE = 300_000;
const ROLE_TOKENS: Record<string, number> = { system: 1, user: 2, assistant: 3, tool: 4 };

export function promptTokenSequence(prompt: EmulatorPrompt): number[] {
  return promptTokenLayout(prompt).tokens;
}

/** The token sequence plus where its pieces end, for caches that key on block boundaries (Anthropic's breakpoints). */
export interface PromptTokenLayout {
  tokens: number[];
  /** Token count once all tool definitions are in (0 without tools). */
  toolsEnd: number;
  /** Per message: the token count after its framing, before its first part. */
  messageStarts: number[];
  /** Per message, per part: the token count once that part is in. */
  partEnds: number[][];
}

export function promptTokenLayout(prompt: EmulatorPrompt): PromptTokenLayout {
  const tokens: number[] = [];
  if (prompt.tools.length > 0) {
    tokens.push(FRAME_TOKEN_BASE);
    appendAll(tokens, encodeText(toolDefinitionsText(prompt.tools)));
  }
  const toolsEnd = tokens.length;
  const messageStarts: number[] = [];
  const partEnds: number[][] = [];
  for (const message of prompt.messages) {
    const frame = [FRAME_TOKEN_BASE + 10, FRAME_TOKEN_BASE + 10 + (ROLE_TOKENS[message.role] ?? 0), FRAME_TOKEN_BASE + 20];
    tokens.push(...frame.slice(0, MESSAGE_OVERHEAD_TOKENS));
    messageStarts.push(tokens.length);
    const ends: number[] = [];
    for (const part of message.parts) {
      appendPart(tokens, part);
      ends.push(tokens.length);
    }
    partEnds.push(ends);
  }
  for (let index = 0; index < REPLY_PRIMING_TOKENS; index++) tokens.push(FRAME_TOKEN_BASE + 30 + index);
  return { tokens, toolsEnd, messageStarts, partEnds };
}

/** Tool definitions as the prompt renders them (after one framing token). */
export function toolDefinitionsText(tools: readonly PromptTool[]): string {
  const definitions = tools.map((tool) => JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters }));
  return `# Tools\n${definitions.join('\n')}`;
}

function appendPart(tokens: number[], part: PromptPart): void {
  switch (part.type) {
    case 'text':
      appendAll(tokens, encodeText(part.text));
      return;
    case 'image': {
      const count = part.detail === 'low' ? IMAGE_TOKENS_LOW_DETAIL : IMAGE_TOKENS_DEFAULT;
      const base = hashString(part.url) % 1_000_000;
      for (let index = 0; index < count; index++) tokens.push(FRAME_TOKEN_BASE + 1_000 + ((base + index) % 1_000_000));
      return;
    }
    case 'tool-call':
      appendAll(tokens, encodeText(`${part.name}(${part.argumentsJson})`));
      return;
    case 'tool-result':
      appendAll(tokens, encodeText(part.content));
      return;
  }
}

/** `push(...values)` overflows the call stack for the very long prompts context tests send. */
function appendAll(tokens: number[], values: readonly number[]): void {
  for (const value of values) tokens.push(value);
}
