import type { CanonicalRequest, ToolChoice } from '../../canonical/types.js';
import { encodeCacheControl } from './content-encode.js';
import { encodeGenerationSettings } from './generation-encode.js';
import { encodeAnthropicConversation, finalToolTurnLacksThinking } from './messages-encode.js';
import { anthropicModelProfile } from './model-profiles.js';
import { unsupported } from '../shared/field-reader.js';
import type { AnthropicOutputConfig, AnthropicRequestBody, AnthropicTool, AnthropicToolChoice } from './wire-types.js';

/**
 * The canonical request → an Anthropic Messages body for `upstreamModel`. What Anthropic cannot
 * express is refused when it changes the answer visibly (`n`, `logprobs`, JSON mode without a schema)
 * and dropped when it only tunes sampling or bookkeeping (`seed`, penalties, `metadata`).
 * README.md has the full table.
 */
export function encodeAnthropicRequest(request: CanonicalRequest, upstreamModel: string): AnthropicRequestBody {
  if (request.n !== undefined && request.n > 1) {
    unsupported('n', `Anthropic returns one answer per request; n=${request.n} cannot be served (send ${request.n} requests)`);
  }
  if (request.logprobs !== undefined) unsupported('logprobs', 'Anthropic does not return token log probabilities');

  const profile = anthropicModelProfile(upstreamModel);
  const conversation = encodeAnthropicConversation(request.messages);
  const toolChoice = encodeToolChoice(request);
  const forcedToolUse = toolChoice !== undefined && (toolChoice.type === 'any' || toolChoice.type === 'tool');
  const generation = encodeGenerationSettings(request, {
    profile,
    upstreamModel,
    thinkingAllowed: !forcedToolUse && !finalToolTurnLacksThinking(conversation.messages),
  });

  const body: AnthropicRequestBody = { model: upstreamModel, max_tokens: generation.max_tokens, messages: conversation.messages };
  if (conversation.system.length > 0) body.system = conversation.system;
  if (request.tools !== undefined && request.tools.length > 0) body.tools = request.tools.map(encodeTool);
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  if (generation.temperature !== undefined) body.temperature = generation.temperature;
  if (generation.top_p !== undefined) body.top_p = generation.top_p;
  if (generation.top_k !== undefined) body.top_k = generation.top_k;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop_sequences = [...request.stopSequences];
  if (generation.thinking !== undefined) body.thinking = generation.thinking;

  const outputConfig: AnthropicOutputConfig = {};
  if (generation.effort !== undefined) outputConfig.effort = generation.effort;
  const format = encodeResponseFormat(request, profile.structuredOutputs, upstreamModel);
  if (format !== undefined) outputConfig.format = format;
  if (outputConfig.effort !== undefined || outputConfig.format !== undefined) body.output_config = outputConfig;

  if (request.user !== undefined) body.metadata = { user_id: request.user };
  body.stream = request.stream;
  return body;
}

function encodeTool(tool: NonNullable<CanonicalRequest['tools']>[number]): AnthropicTool {
  // input_schema must be an object schema; a bare `{}` (OpenAI allows parameter-less tools) gets one.
  const schema = tool.parameters.type === undefined ? { type: 'object', ...tool.parameters } : tool.parameters;
  const encoded: AnthropicTool = { name: tool.name, input_schema: schema };
  if (tool.description !== undefined) encoded.description = tool.description;
  if (tool.strict !== undefined) encoded.strict = tool.strict;
  const cacheControl = encodeCacheControl(tool.cacheControl);
  if (cacheControl !== undefined) encoded.cache_control = cacheControl;
  return encoded;
}

/**
 * `required` is Anthropic's `any`. `parallelToolCalls: false` rides on the tool choice as
 * `disable_parallel_tool_use` (an `auto` choice is created for it when none was given); `none` takes
 * no such flag. A tool choice without tools is meaningless to Anthropic and is left out.
 */
function encodeToolChoice(request: CanonicalRequest): AnthropicToolChoice | undefined {
  if (request.tools === undefined || request.tools.length === 0) return undefined;
  const choice: ToolChoice | undefined = request.toolChoice ?? (request.parallelToolCalls === undefined ? undefined : { type: 'auto' });
  if (choice === undefined) return undefined;
  if (choice.type === 'none') return { type: 'none' };
  const encoded: AnthropicToolChoice =
    choice.type === 'auto' ? { type: 'auto' } : choice.type === 'required' ? { type: 'any' } : { type: 'tool', name: choice.name };
  if (request.parallelToolCalls !== undefined) encoded.disable_parallel_tool_use = !request.parallelToolCalls;
  return encoded;
}

/**
 * Structured outputs: `json-schema` → `output_config.format` (GA; the beta `output_format` moved
 * there: https://platform.claude.com/docs/en/build-with-claude/structured-outputs). The schema name and
 * description have no Anthropic field and do not change the output. JSON mode without a schema is
 * refused: Anthropic's structured outputs need a schema and do not take an arbitrary object.
 */
function encodeResponseFormat(
  request: CanonicalRequest,
  structuredOutputs: boolean,
  upstreamModel: string,
): AnthropicOutputConfig['format'] | undefined {
  const format = request.responseFormat;
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json') {
    return unsupported('responseFormat', 'Anthropic has no JSON mode without a schema; send a JSON schema (response_format json_schema)');
  }
  if (!structuredOutputs) unsupported('responseFormat', `structured outputs (a JSON schema) are not available on ${upstreamModel}`);
  return { type: 'json_schema', schema: format.schema };
}
