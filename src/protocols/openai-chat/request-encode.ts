import type { CanonicalRequest, ReasoningRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/types.js';
import { encodeChatMessages } from './request-encode-messages.js';
import { unsupported } from '../shared/field-reader.js';

/**
 * The canonical request as a Chat Completions body for an OpenAI-protocol provider. Field choices
 * (README.md has the full table):
 * - `max_completion_tokens`, never `max_tokens` (reasoning models reject it, PROTOCOLS.md trap 9);
 * - streaming always asks for `stream_options.include_usage` so usage is captured for metering,
 *   whatever the caller asked (the ingress codec decides whether the caller sees the usage chunk);
 * - `tool_choice` and `parallel_tool_calls` only beside tools (OpenAI rejects them alone);
 * - `metadata` is not forwarded (OpenAI takes it only with `store:true`; it does not change the answer);
 * - `top_k` has no Chat field and is refused; a reasoning budget without an effort is mapped to one.
 */
export function encodeChatRequest(request: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = { model: upstreamModel, messages: encodeChatMessages(request.messages) };
  const hasTools = request.tools !== undefined && request.tools.length > 0;
  if (request.tools !== undefined && hasTools) body.tools = request.tools.map(encodeTool);
  if (request.toolChoice !== undefined && hasTools) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined && hasTools) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.maxOutputTokens !== undefined) body.max_completion_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) {
    unsupported('top_k', 'OpenAI Chat has no top_k; remove it or route this request to a provider that takes it');
  }
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop = request.stopSequences;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.responseFormat !== undefined) body.response_format = encodeResponseFormat(request.responseFormat);
  const effort = request.reasoning === undefined ? undefined : reasoningEffort(request.reasoning);
  if (effort !== undefined) body.reasoning_effort = effort;
  if (request.n !== undefined) body.n = request.n;
  if (request.logprobs !== undefined) {
    body.logprobs = true;
    if (request.logprobs.topLogprobs !== undefined) body.top_logprobs = request.logprobs.topLogprobs;
  }
  if (request.user !== undefined) body.user = request.user;
  if (request.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function encodeTool(tool: ToolDefinition): Record<string, unknown> {
  const fn: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) fn.description = tool.description;
  fn.parameters = tool.parameters;
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function encodeToolChoice(choice: ToolChoice): unknown {
  return choice.type === 'tool' ? { type: 'function', function: { name: choice.name } } : choice.type;
}

function encodeResponseFormat(format: ResponseFormat): Record<string, unknown> {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json-schema': {
      const spec: Record<string, unknown> = { name: format.name };
      if (format.description !== undefined) spec.description = format.description;
      spec.schema = format.schema;
      if (format.strict !== undefined) spec.strict = format.strict;
      return { type: 'json_schema', json_schema: spec };
    }
  }
}

/**
 * An explicit effort passes as is. A token budget alone (Anthropic, Gemini callers) becomes the
 * nearest effort: under 2,048 tokens low, under 8,192 medium, otherwise high; 0 (thinking off) sends nothing.
 */
export function reasoningEffort(reasoning: ReasoningRequest): string | undefined {
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens;
  if (budget === undefined || budget <= 0) return undefined;
  if (budget < 2048) return 'low';
  if (budget < 8192) return 'medium';
  return 'high';
}
