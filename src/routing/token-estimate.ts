/**
 * A fast input-token estimate for routing decisions (context-window checks, rules on input size).
 * Routing runs on every request, so it must not tokenize: it counts characters and applies the
 * o200k average of about four characters per token for prose and code. Measured against the real
 * o200k tokenizer on the recorded conformance requests and the routing-data prompts, the estimate
 * lands within ±25% of the true count for inputs over 200 tokens (see token-estimate.test.ts, which
 * fails if that stops being true). Fixed costs cover what characters cannot: per-message framing and
 * images (a high-detail 1024² image is about 765 tokens on OpenAI, ~1,600 on Anthropic).
 */
import type { CanonicalRequest } from '../canonical/types.js';

const CHARS_PER_TOKEN = 4;
const PER_MESSAGE = 4;
const PER_IMAGE = 1_000;
/** Without a page count, a document is costed by its size: base64 text of a PDF is ~250 bytes per token. */
const DOCUMENT_BASE64_CHARS_PER_TOKEN = 250;
const PER_DOCUMENT_MIN = 1_000;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateRequestTokens(request: CanonicalRequest): number {
  let characters = 0;
  let fixed = 0;
  for (const message of request.messages) {
    fixed += PER_MESSAGE;
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'refusal':
        case 'reasoning':
          characters += part.text.length;
          break;
        case 'tool-call':
          characters += part.name.length + part.arguments.length;
          break;
        case 'tool-result':
          for (const inner of part.content) {
            if (inner.type === 'text') characters += inner.text.length;
            else fixed += PER_IMAGE;
          }
          break;
        case 'image':
          fixed += PER_IMAGE;
          break;
        case 'document':
          fixed += part.source.kind === 'base64' ? Math.max(PER_DOCUMENT_MIN, Math.ceil(part.source.data.length / DOCUMENT_BASE64_CHARS_PER_TOKEN)) : PER_DOCUMENT_MIN;
          break;
      }
    }
  }
  for (const tool of request.tools ?? []) {
    characters += tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length;
  }
  return Math.ceil(characters / CHARS_PER_TOKEN) + fixed;
}
