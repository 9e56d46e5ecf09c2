import type { CanonicalRequest, ReasoningRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { RequestContext } from '../codec.js';
import { decodeChatMessages } from './request-decode-messages.js';
import { FieldReader, describeValue, fail, unsupported } from '../shared/field-reader.js';

const reasoningEfforts = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/**
 * A Chat Completions request body into the canonical request. Only used across protocols (same-protocol
 * traffic is forwarded as bytes), so fields no other provider can honour are refused here with the
 * field named; hints that change nothing about the answer are ignored (README.md lists both).
 */
export function decodeChatRequest(body: Record<string, unknown>, context?: RequestContext): CanonicalRequest {
  const reader = new FieldReader(body, '');
  refuseUntranslatable(reader);

  const model = reader.optionalString('model') ?? context?.model;
  if (model === undefined || model === '') throw new GatewayError('missing_model', 'model: required', { param: 'model' });

  const request: CanonicalRequest = {
    model,
    messages: decodeChatMessages(reader.array('messages')),
    stream: reader.optionalBoolean('stream') ?? context?.stream ?? false,
  };

  const tools = reader.optionalArray('tools');
  if (tools !== undefined && tools.length > 0) request.tools = tools.map((tool, index) => decodeTool(tool, `tools[${index}]`));
  if (reader.has('tool_choice')) request.toolChoice = decodeToolChoice(reader);
  const parallel = reader.optionalBoolean('parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;

  // max_tokens is deprecated (reasoning models reject it); when both come, max_completion_tokens wins.
  const maxTokens = reader.optionalInteger('max_completion_tokens', 1) ?? reader.optionalInteger('max_tokens', 1);
  if (maxTokens !== undefined) request.maxOutputTokens = maxTokens;

  const temperature = reader.optionalNumber('temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = reader.optionalNumber('top_p');
  if (topP !== undefined) request.topP = topP;
  // top_k is not OpenAI's; vLLM and other OpenAI-compatible servers accept it, and so does the canonical model.
  const topK = reader.optionalInteger('top_k', 0);
  if (topK !== undefined) request.topK = topK;
  const seed = reader.optionalInteger('seed', Number.MIN_SAFE_INTEGER);
  if (seed !== undefined) request.seed = seed;
  const stop = decodeStop(reader);
  if (stop !== undefined) request.stopSequences = stop;
  const presencePenalty = reader.optionalNumber('presence_penalty');
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const frequencyPenalty = reader.optionalNumber('frequency_penalty');
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;

  const responseFormat = reader.optionalObject('response_format');
  if (responseFormat !== undefined) request.responseFormat = decodeResponseFormat(responseFormat);
  const effort = reader.optionalEnum('reasoning_effort', reasoningEfforts);
  if (effort !== undefined) request.reasoning = { effort } satisfies ReasoningRequest;

  const streamOptions = reader.optionalObject('stream_options');
  const includeUsage = streamOptions?.optionalBoolean('include_usage');
  if (request.stream && includeUsage !== undefined) request.streamIncludeUsage = includeUsage;

  const n = reader.optionalInteger('n', 1);
  if (n !== undefined) request.n = n;
  if (reader.optionalBoolean('logprobs') === true) {
    const topLogprobs = reader.optionalInteger('top_logprobs', 0);
    request.logprobs = topLogprobs === undefined ? {} : { topLogprobs };
  }
  // safety_identifier is the newer name OpenAI gives the end-user id.
  const user = reader.optionalString('user') ?? reader.optionalString('safety_identifier');
  if (user !== undefined) request.user = user;
  const metadata = reader.optionalObject('metadata');
  if (metadata !== undefined) request.metadata = decodeMetadata(metadata);
  return request;
}

/** Fields whose meaning no other protocol can carry: refused with the field named. */
function refuseUntranslatable(reader: FieldReader): void {
  if (reader.has('functions') || reader.has('function_call')) {
    unsupported(
      reader.has('functions') ? 'functions' : 'function_call',
      'the legacy functions/function_call parameters are not translated to other providers; use tools and tool_choice',
    );
  }
  if (reader.has('audio')) unsupported('audio', 'audio output cannot be produced by the serving provider');
  const modalities = reader.optionalArray('modalities');
  if (modalities?.some((modality) => modality !== 'text')) {
    unsupported('modalities', 'only "text" output can be produced by the serving provider');
  }
  const logitBias = reader.optionalObject('logit_bias');
  if (logitBias !== undefined && Object.keys(logitBias.record).length > 0) {
    unsupported('logit_bias', 'token logit biases are OpenAI-tokenizer specific and cannot be translated');
  }
  if (reader.has('web_search_options')) unsupported('web_search_options', 'web search is an OpenAI built-in tool and cannot be translated');
}

function decodeTool(value: unknown, path: string): ToolDefinition {
  const tool = FieldReader.of(value, path);
  const type = tool.string('type');
  if (type !== 'function') unsupported(tool.at('type'), `only "function" tools can be translated, got "${type}"`);
  const fn = tool.object('function');
  const definition: ToolDefinition = {
    name: fn.string('name'),
    // OpenAI allows omitting parameters for a tool that takes none.
    parameters: fn.has('parameters') ? fn.object('parameters').record : { type: 'object', properties: {} },
  };
  const description = fn.optionalString('description');
  if (description !== undefined) definition.description = description;
  const strict = fn.optionalBoolean('strict');
  if (strict !== undefined) definition.strict = strict;
  const cache = tool.optionalObject('cache_control');
  if (cache !== undefined) {
    const ttl = cache.optionalEnum('ttl', ['5m', '1h'] as const);
    definition.cacheControl = ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl };
  }
  return definition;
}

function decodeToolChoice(reader: FieldReader): ToolChoice {
  const value = reader.record.tool_choice;
  if (typeof value === 'string') {
    if (value === 'auto' || value === 'none' || value === 'required') return { type: value };
    return reader.fail('tool_choice', `expected "auto", "none", "required" or {type:"function", function:{name}}, got "${value}"`);
  }
  const choice = reader.object('tool_choice');
  const type = choice.string('type');
  if (type !== 'function') unsupported(choice.at('type'), `only tool_choice type "function" can be translated, got "${type}"`);
  return { type: 'tool', name: choice.object('function').string('name') };
}

function decodeStop(reader: FieldReader): string[] | undefined {
  const value = reader.record.stop;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  const items = reader.array('stop');
  const stop = items.map((item, index) => {
    if (typeof item !== 'string') return fail(`stop[${index}]`, `expected a string, got ${describeValue(item)}`);
    return item;
  });
  return stop.length === 0 ? undefined : stop;
}

function decodeResponseFormat(format: FieldReader): ResponseFormat {
  const type = format.string('type');
  switch (type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json' };
    case 'json_schema': {
      const spec = format.object('json_schema');
      const result: ResponseFormat = {
        type: 'json-schema',
        name: spec.string('name'),
        schema: spec.has('schema') ? spec.object('schema').record : {},
      };
      const strict = spec.optionalBoolean('strict');
      if (strict !== undefined) result.strict = strict;
      const description = spec.optionalString('description');
      if (description !== undefined) result.description = description;
      return result;
    }
    default:
      return format.fail('type', `expected "text", "json_object" or "json_schema", got "${type}"`);
  }
}

function decodeMetadata(metadata: FieldReader): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.record)) {
    if (typeof value !== 'string') metadata.fail(key, `expected a string, got ${describeValue(value)}`);
    result[key] = value;
  }
  return result;
}
