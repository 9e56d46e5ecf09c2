import type { CanonicalResponse } from '../../canonical/types.js';
import type { EncodeContext } from '../codec.js';
import { toChatFinishReason } from './finish-reason.js';
import { encodeChatUsage } from './usage.js';
import type { ChatCompletion, ChatResponseMessage, ChatToolCall } from './wire-types.js';

/**
 * The canonical response as a complete Chat Completions body, shaped as OpenAI sends it: one choice,
 * `content` null when there is no text, `refusal`, `tool_calls`, `annotations: []`, `logprobs: null`.
 * Text parts are concatenated as they came (no separator is invented). Readable reasoning goes in
 * `reasoning_content` (the DeepSeek convention other OpenAI clients read; the OpenAI SDK ignores it);
 * signatures and encrypted reasoning are dropped (provider-bound).
 */
export function encodeChatResponse(response: CanonicalResponse, context: EncodeContext): ChatCompletion {
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of response.content) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'refusal') refusals.push(part.text);
    else if (part.type === 'reasoning') reasoning.push(part.text);
    else toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments === '' ? '{}' : part.arguments } });
  }
  const text = texts.join('');
  const message: ChatResponseMessage = {
    role: 'assistant',
    content: text === '' && (toolCalls.length > 0 || refusals.length > 0) ? null : text,
    refusal: refusals.length > 0 ? refusals.join('') : null,
    annotations: [],
  };
  const thinking = reasoning.join('');
  if (thinking !== '') message.reasoning_content = thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: chatCompletionId(response.id, context.requestId),
    object: 'chat.completion',
    created: response.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: toChatFinishReason(response.finishReason, toolCalls.length > 0) }],
    usage: encodeChatUsage(response.usage),
    system_fingerprint: null,
  };
}

/** OpenAI ids look like `chatcmpl-…`; a provider's own id (msg_…, a Gemini responseId) is kept behind that prefix. */
export function chatCompletionId(id: string, requestId: string): string {
  if (id.startsWith('chatcmpl-')) return id;
  return `chatcmpl-${id === '' ? requestId : id}`;
}
