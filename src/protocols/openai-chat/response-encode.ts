import type { AssistantContentPart, CanonicalChoice, CanonicalResponse } from '../../canonical/types.js';
import type { EncodeContext } from '../codec.js';
import { toChatFinishReason } from './finish-reason.js';
import { encodeChatLogprobs } from './logprobs.js';
import { encodeChatUsage } from './usage.js';
import type { ChatCompletion, ChatResponseMessage, ChatToolCall } from './wire-types.js';

/**
 * The canonical response as a complete Chat Completions body, shaped as OpenAI sends it: one choice
 * per canonical choice (several when the request asked for `n` and the provider answered with
 * several), `content` null when there is no text, `refusal`, `tool_calls`, `annotations: []`,
 * `logprobs` null unless the provider reported them. Text parts are concatenated as they came (no
 * separator is invented). Readable reasoning goes in `reasoning_content` (the DeepSeek convention
 * other OpenAI clients read; the OpenAI SDK ignores it); signatures and encrypted reasoning are
 * dropped (provider-bound).
 */
export function encodeChatResponse(response: CanonicalResponse, context: EncodeContext): ChatCompletion {
  const first: CanonicalChoice = { index: 0, content: response.content, finishReason: response.finishReason, ...(response.logprobs !== undefined && { logprobs: response.logprobs }) };
  return {
    id: chatCompletionId(response.id, context.requestId),
    object: 'chat.completion',
    created: response.created,
    model: context.model,
    choices: [first, ...(response.additionalChoices ?? [])].map((choice) => {
      const message = encodeChatMessage(choice.content);
      const hasToolCalls = message.tool_calls !== undefined;
      return { index: choice.index, message, logprobs: encodeChatLogprobs(choice.logprobs), finish_reason: toChatFinishReason(choice.finishReason, hasToolCalls) };
    }),
    usage: encodeChatUsage(response.usage),
    system_fingerprint: null,
  };
}

function encodeChatMessage(content: readonly AssistantContentPart[]): ChatResponseMessage {
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of content) {
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
  return message;
}

/** OpenAI ids look like `chatcmpl-…`; a provider's own id (msg_…, a Gemini responseId) is kept behind that prefix. */
export function chatCompletionId(id: string, requestId: string): string {
  if (id.startsWith('chatcmpl-')) return id;
  return `chatcmpl-${id === '' ? requestId : id}`;
}
