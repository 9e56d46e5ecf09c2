/**
 * A `Generation` as a Chat Completions body, field for field as OpenAI sends it in 2026
 * [conformance openai/chat-text.response.json, chat-tool-call-null-content.response.json]: the
 * message always carries `refusal` and `annotations`, tool-call answers have `content: null`, and
 * usage has the prompt/completion details objects. Azure adds its content-filter annotations.
 */
import { hashString } from '../random.js';
import type { FinishReason, GeneratedChoice, Generation, TokenLogprob } from '../types.js';
import type { RenderContext } from './protocol.js';
import type { OpenAiFlavor } from './openai-errors.js';
import type { ChatRenderOptions } from './openai-chat-request.js';

export function mapFinishReason(reason: FinishReason): string {
  switch (reason) {
    case 'length': return 'length';
    case 'tool-calls': return 'tool_calls';
    case 'stop':
    case 'refusal': return 'stop';
  }
}

export function renderUsage(generation: Generation): Record<string, unknown> {
  const { usage } = generation;
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function renderLogprobEntries(entries: readonly TokenLogprob[]): Array<Record<string, unknown>> {
  return entries.map((entry) => ({
    token: entry.token,
    logprob: entry.logprob,
    bytes: entry.bytes,
    top_logprobs: entry.top.map((alternative) => ({ token: alternative.token, logprob: alternative.logprob, bytes: alternative.bytes })),
  }));
}

/** Stable per model, like a deployment's build fingerprint. */
export function systemFingerprint(model: string): string {
  return `fp_${hashString(model).toString(16).padStart(10, '0').slice(-10)}`;
}

export function completionId(context: RenderContext): string {
  return `chatcmpl-${context.random.alphanumeric(29)}`;
}

export function renderChatCompletion(context: RenderContext, options: ChatRenderOptions, flavor: OpenAiFlavor): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: completionId(context),
    object: 'chat.completion',
    created: context.created,
    model: context.model.responseModel,
    choices: context.generation.choices.map((choice) => renderChoice(choice, options, flavor)),
    usage: renderUsage(context.generation),
    service_tier: 'default',
    system_fingerprint: systemFingerprint(context.model.responseModel),
  };
  if (flavor === 'azure') body.prompt_filter_results = azurePromptFilterResults();
  return body;
}

function renderChoice(choice: GeneratedChoice, options: ChatRenderOptions, flavor: OpenAiFlavor): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: choice.text };
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.argumentsJson } }));
  }
  message.refusal = choice.refusal;
  message.annotations = [];
  const rendered: Record<string, unknown> = {
    index: choice.index,
    message,
    logprobs: options.logprobs ? { content: choice.logprobs === undefined ? null : renderLogprobEntries(choice.logprobs), refusal: null } : null,
    finish_reason: mapFinishReason(choice.finishReason),
  };
  if (flavor === 'azure') rendered.content_filter_results = azureContentFilterResults();
  return rendered;
}

const SAFE = { filtered: false, severity: 'safe' };

export function azureContentFilterResults(): Record<string, unknown> {
  return { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
}

export function azurePromptFilterResults(): Array<Record<string, unknown>> {
  return [{ prompt_index: 0, content_filter_results: { ...azureContentFilterResults(), jailbreak: { filtered: false, detected: false } } }];
}
