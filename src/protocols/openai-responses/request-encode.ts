import type { CanonicalRequest, ReasoningRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/types.js';
import { encodeResponsesInput } from './input-encode.js';
import { unsupported } from '../shared/field-reader.js';
import type { FunctionTool, ResponsesRequestBody, TextFormat, ToolChoiceWire } from './wire-types.js';

/** The smallest `max_output_tokens` the Responses API accepts. */
const MIN_MAX_OUTPUT_TOKENS = 16;

/**
 * The canonical request as a Responses request body for `upstreamModel`.
 *
 * Always `store: false`: the gateway is stateless and never relies on OpenAI storing responses.
 * `include: ["reasoning.encrypted_content"]` is added whenever reasoning is requested or replayed, so
 * the next turn can replay it (PROTOCOLS.md trap 10); it is not added otherwise because models without
 * reasoning reject it.
 *
 * Refused (unsupported_feature): n > 1, stop sequences, top_k, non-zero presence/frequency penalties.
 * Dropped: seed (best-effort in OpenAI's own APIs, no Responses field), cache-control hints (OpenAI
 * caches prompts automatically), Gemini thought signatures, tool-result `isError`,
 * `streamIncludeUsage` (Responses streams always end with usage).
 */
export function encodeResponsesRequest(request: CanonicalRequest, upstreamModel: string): ResponsesRequestBody {
  refuseInexpressible(request);
  const { instructions, input, replaysReasoning } = encodeResponsesInput(request.messages);
  const body: ResponsesRequestBody = { model: upstreamModel, input, store: false, stream: request.stream };
  if (instructions !== undefined) body.instructions = instructions;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(encodeTool);
  if (request.toolChoice !== undefined) body.tool_choice = encodeToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  // The Responses API refuses caps below 16; a smaller cap from another protocol is raised to the
  // minimum rather than refused, as the caller asked for a short answer, not an error.
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = Math.max(MIN_MAX_OUTPUT_TOKENS, request.maxOutputTokens);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.responseFormat !== undefined) body.text = { format: encodeTextFormat(request.responseFormat) };
  const include: string[] = [];
  if (request.reasoning !== undefined) {
    const reasoning = encodeReasoning(request.reasoning);
    if (reasoning !== undefined) body.reasoning = reasoning;
  }
  if (body.reasoning !== undefined || replaysReasoning) include.push('reasoning.encrypted_content');
  if (request.logprobs !== undefined) {
    include.push('message.output_text.logprobs');
    if (request.logprobs.topLogprobs !== undefined) body.top_logprobs = request.logprobs.topLogprobs;
  }
  if (include.length > 0) body.include = include;
  if (request.user !== undefined) body.user = request.user;
  if (request.metadata !== undefined && Object.keys(request.metadata).length > 0) body.metadata = request.metadata;
  return body;
}

function refuseInexpressible(request: CanonicalRequest): void {
  if (request.n !== undefined && request.n > 1) {
    unsupported('n', 'the Responses API returns a single output per request; n > 1 cannot be served by this provider');
  }
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    unsupported('stop', 'the Responses API has no stop sequences; remove them or route to a provider that supports them');
  }
  if (request.topK !== undefined) unsupported('top_k', 'the Responses API has no top_k sampling parameter');
  if (request.presencePenalty !== undefined && request.presencePenalty !== 0) {
    unsupported('presence_penalty', 'the Responses API has no presence_penalty parameter');
  }
  if (request.frequencyPenalty !== undefined && request.frequencyPenalty !== 0) {
    unsupported('frequency_penalty', 'the Responses API has no frequency_penalty parameter');
  }
}

function encodeTool(tool: ToolDefinition): FunctionTool {
  // Responses treats a missing `strict` as "strict when the schema allows", unlike every other
  // protocol: send false explicitly unless strict was asked for (see README.md, "strict").
  const result: FunctionTool = { type: 'function', name: tool.name, parameters: tool.parameters, strict: tool.strict ?? false };
  if (tool.description !== undefined) result.description = tool.description;
  return result;
}

function encodeToolChoice(choice: ToolChoice): ToolChoiceWire {
  return choice.type === 'tool' ? { type: 'function', name: choice.name } : choice.type;
}

function encodeTextFormat(format: ResponseFormat): TextFormat {
  switch (format.type) {
    case 'text':
      return { type: 'text' };
    case 'json':
      return { type: 'json_object' };
    case 'json-schema': {
      const result: TextFormat = { type: 'json_schema', name: format.name, schema: format.schema };
      if (format.strict !== undefined) result.strict = format.strict;
      if (format.description !== undefined) result.description = format.description;
      return result;
    }
  }
}

/**
 * A thinking budget (Anthropic, Gemini) as an effort when no effort is given: 0 → minimal,
 * ≤ 2048 → low, ≤ 16384 → medium, more → high; a negative budget (Gemini "dynamic") names none.
 */
export function effortForBudget(budgetTokens: number): ReasoningRequest['effort'] {
  if (budgetTokens < 0) return undefined;
  if (budgetTokens === 0) return 'minimal';
  if (budgetTokens <= 2048) return 'low';
  if (budgetTokens <= 16384) return 'medium';
  return 'high';
}

function encodeReasoning(reasoning: ReasoningRequest): ResponsesRequestBody['reasoning'] {
  const result: NonNullable<ResponsesRequestBody['reasoning']> = {};
  const effort = reasoning.effort ?? (reasoning.budgetTokens === undefined ? undefined : effortForBudget(reasoning.budgetTokens));
  if (effort !== undefined) result.effort = effort;
  if (reasoning.includeThoughts === true) result.summary = 'auto';
  return Object.keys(result).length === 0 ? undefined : result;
}
