import type { CanonicalMessage, CanonicalRequest, ReasoningRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { RequestContext } from '../codec.js';
import { decodeResponsesInput } from './input-decode.js';
import { FieldReader, describeValue, fail, joinPath, unsupported } from '../shared/field-reader.js';

/**
 * A Responses request body (`POST /v1/responses`) into the canonical request.
 *
 * Accepted and ignored (nothing to translate them to; see README.md): `store` (the gateway stores
 * nothing), `include` other than logprobs (encrypted reasoning is always returned when the provider
 * gives it), `truncation`, `service_tier`, `text.verbosity`, `stream_options`, `max_tool_calls`
 * (counts built-in tool calls only), `prompt_cache_key`, `prompt_cache_retention`.
 * Refused: `previous_response_id`, `conversation`, `prompt`, `background: true` (they need state the
 * gateway does not keep) and built-in tools.
 */
export function decodeResponsesRequest(body: Record<string, unknown>, context?: RequestContext): CanonicalRequest {
  const reader = new FieldReader(body, '');
  refuseStatefulFields(reader);
  const model = context?.model ?? reader.optionalString('model');
  if (model === undefined || model === '') throw new GatewayError('missing_model', 'model: a model name is required', { param: 'model' });
  if (!reader.has('input')) reader.fail('input', 'input is required: the gateway keeps no conversation state, so send the whole conversation');

  const messages: CanonicalMessage[] = [];
  const instructions = reader.optionalString('instructions');
  if (instructions !== undefined && instructions !== '') messages.push({ role: 'system', content: [{ type: 'text', text: instructions }] });
  messages.push(...decodeResponsesInput(reader.raw('input'), 'input'));

  const request: CanonicalRequest = { model, messages, stream: context?.stream ?? reader.optionalBoolean('stream') ?? false };
  const tools = reader.optionalArray('tools');
  if (tools !== undefined && tools.length > 0) request.tools = reader.objects('tools').map(decodeTool);
  if (reader.has('tool_choice')) request.toolChoice = decodeToolChoice(reader);
  const parallelToolCalls = reader.optionalBoolean('parallel_tool_calls');
  if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls;
  const maxOutputTokens = reader.optionalInteger('max_output_tokens', 1);
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  const temperature = reader.optionalNumber('temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = reader.optionalNumber('top_p');
  if (topP !== undefined) request.topP = topP;
  const format = reader.optionalObject('text')?.optionalObject('format');
  if (format !== undefined) request.responseFormat = decodeTextFormat(format);
  const reasoning = reader.optionalObject('reasoning');
  if (reasoning !== undefined) {
    const decoded = decodeReasoning(reasoning);
    if (decoded !== undefined) request.reasoning = decoded;
  }
  decodeLogprobs(reader, request);
  const user = reader.optionalString('user') ?? reader.optionalString('safety_identifier');
  if (user !== undefined) request.user = user;
  const metadata = decodeMetadata(reader);
  if (metadata !== undefined) request.metadata = metadata;
  return request;
}

function refuseStatefulFields(reader: FieldReader): void {
  if (reader.has('previous_response_id')) {
    unsupported(
      'previous_response_id',
      'the gateway keeps no response state, so it cannot continue a stored response; send the full conversation in input (as with store:false), replaying reasoning items with their encrypted_content',
    );
  }
  if (reader.has('conversation')) {
    unsupported('conversation', 'the gateway keeps no conversation state; send the full conversation in input');
  }
  if (reader.has('prompt')) {
    unsupported('prompt', 'stored prompt templates live in OpenAI and cannot be served by other providers; send instructions and input instead');
  }
  if (reader.optionalBoolean('background') === true) {
    unsupported('background', 'background responses need response storage, which the gateway does not keep; use stream:true for long requests');
  }
}

function decodeTool(tool: FieldReader): ToolDefinition {
  const type = tool.string('type');
  if (type !== 'function') {
    return unsupported(
      tool.at('type'),
      `the "${type}" tool runs inside OpenAI and cannot be served by other providers; declare a function tool (type "function") instead`,
    );
  }
  const definition: ToolDefinition = {
    name: tool.nonEmptyString('name'),
    parameters: tool.optionalRecord('parameters') ?? { type: 'object', properties: {} },
  };
  const description = tool.optionalString('description');
  if (description !== undefined) definition.description = description;
  // Absent `strict` on Responses means "strict when the schema allows"; canonical has no such state,
  // so it stays unset (see README.md, "strict").
  const strict = tool.optionalBoolean('strict');
  if (strict !== undefined) definition.strict = strict;
  return definition;
}

function decodeToolChoice(reader: FieldReader): ToolChoice {
  const value = reader.raw('tool_choice');
  if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
  if (typeof value === 'string') return reader.fail('tool_choice', `expected "auto", "none", "required" or {"type":"function","name":…}, got "${value}"`);
  const choice = reader.object('tool_choice');
  const type = choice.string('type');
  if (type === 'function') return { type: 'tool', name: choice.nonEmptyString('name') };
  return unsupported(choice.at('type'), `tool_choice of type "${type}" is not translated; use "auto", "none", "required" or a function`);
}

function decodeTextFormat(format: FieldReader): ResponseFormat {
  const type = format.string('type');
  switch (type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const schema = format.optionalRecord('schema') ?? format.fail('schema', 'a json_schema format needs a schema object');
      const result: ResponseFormat = { type: 'json-schema', name: format.nonEmptyString('name'), schema };
      const strict = format.optionalBoolean('strict');
      if (strict !== undefined) result.strict = strict;
      const description = format.optionalString('description');
      if (description !== undefined) result.description = description;
      return result;
    }
    default:
      return format.fail('type', `expected "text", "json_object" or "json_schema", got "${type}"`);
  }
}

const efforts = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;

function decodeReasoning(reasoning: FieldReader): ReasoningRequest | undefined {
  const result: ReasoningRequest = {};
  if (reasoning.raw('effort') === 'max') {
    unsupported(reasoning.at('effort'), 'effort "max" has no equivalent in other providers; use "xhigh" or lower');
  }
  const effort = reasoning.optionalEnum('effort', efforts);
  if (effort !== undefined) result.effort = effort;
  // Any summary setting asks for readable reasoning; `generate_summary` is its deprecated name.
  const summaryKey = reasoning.has('summary') ? 'summary' : 'generate_summary';
  if (reasoning.optionalEnum(summaryKey, ['auto', 'concise', 'detailed'] as const) !== undefined) result.includeThoughts = true;
  return Object.keys(result).length === 0 ? undefined : result;
}

const logprobsInclude = 'message.output_text.logprobs';

function decodeLogprobs(reader: FieldReader, request: CanonicalRequest): void {
  const include = reader.optionalArray('include') ?? [];
  include.forEach((value, index) => {
    if (typeof value !== 'string') fail(joinPath('include', index), `expected a string, got ${describeValue(value)}`);
  });
  const topLogprobs = reader.optionalInteger('top_logprobs', 0);
  if (!include.includes(logprobsInclude) && (topLogprobs === undefined || topLogprobs === 0)) return;
  request.logprobs = topLogprobs === undefined ? {} : { topLogprobs };
}

function decodeMetadata(reader: FieldReader): Record<string, string> | undefined {
  const metadata = reader.optionalRecord('metadata');
  if (metadata === undefined) return undefined;
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') fail(joinPath('metadata', key), `metadata values must be strings, got ${describeValue(value)}`);
    result[key] = value;
  }
  return Object.keys(result).length === 0 ? undefined : result;
}
