import type { CanonicalMessage, CanonicalRequest, TextPart, ToolChoice, ToolDefinition } from '../../canonical/types.js';
import { GatewayError } from '../../errors/catalogue.js';
import type { RequestContext } from '../codec.js';
import { decodeAssistantContent, decodeCacheControl, decodeTextBlock, decodeUserContent } from './content-decode.js';
import { decodeAnthropicReasoning } from './reasoning.js';
import { FieldReader, describeValue, joinPath, unsupported } from '../shared/field-reader.js';

/**
 * A client's Messages request body (https://docs.anthropic.com/en/api/messages) → canonical request.
 *
 * Fields with no canonical meaning that do not change the answer (`service_tier`, `speed`,
 * `inference_geo`, `container`, `diagnostics`, top-level `cache_control`) are not carried; fields that
 * would change it and that no other provider can honour (MCP servers, server tools) are refused.
 * README.md lists every field.
 */
export function decodeAnthropicRequest(body: Record<string, unknown>, context: RequestContext = {}): CanonicalRequest {
  const root = new FieldReader(body, '');
  const model = root.optionalString('model') ?? context.model;
  if (model === undefined || model === '') throw new GatewayError('missing_model', 'model: field required', { param: 'model' });

  if (root.has('mcp_servers')) unsupported('mcp_servers', 'MCP connector servers run inside Anthropic and cannot be translated');

  const toolNames = new Map<string, string>();
  const messages: CanonicalMessage[] = [...decodeSystem(root), ...decodeMessages(root, toolNames)];

  const request: CanonicalRequest = { model, messages, stream: root.optionalBoolean('stream') ?? context.stream ?? false };
  request.maxOutputTokens = root.count('max_tokens');

  const tools = decodeTools(root);
  if (tools !== undefined) request.tools = tools;
  decodeToolChoice(root, request);

  const temperature = root.optionalNumber('temperature');
  if (temperature !== undefined) request.temperature = temperature;
  const topP = root.optionalNumber('top_p');
  if (topP !== undefined) request.topP = topP;
  const topK = root.optionalCount('top_k');
  if (topK !== undefined) request.topK = topK;

  const stopSequences = root.optionalArray('stop_sequences');
  if (stopSequences !== undefined) {
    request.stopSequences = stopSequences.map((value, index) => {
      if (typeof value !== 'string') return root.fail(`stop_sequences[${index}]`, `expected a string, got ${describeValue(value)}`);
      return value;
    });
  }

  const outputConfig = root.optionalObject('output_config');
  const reasoning = decodeAnthropicReasoning(root.optionalObject('thinking'), outputConfig);
  if (reasoning !== undefined) request.reasoning = reasoning;

  // `output_format` is the structured-outputs beta spelling, still accepted during the transition.
  const format = outputConfig?.optionalObject('format') ?? root.optionalObject('output_format');
  if (format !== undefined) {
    format.oneOf('type', ['json_schema'] as const);
    const schema = format.object('schema').record;
    request.responseFormat = { type: 'json-schema', name: 'output', schema, strict: true };
  }

  const metadata = root.optionalObject('metadata');
  const userId = metadata?.optionalString('user_id');
  if (userId !== undefined) request.user = userId;
  return request;
}

/** Top-level `system` (a string or text blocks with cache_control) → one leading system message. */
function decodeSystem(root: FieldReader): CanonicalMessage[] {
  if (!root.has('system')) return [];
  const system = root.raw('system');
  let parts: TextPart[];
  if (typeof system === 'string') {
    parts = system === '' ? [] : [{ type: 'text', text: system }];
  } else if (Array.isArray(system)) {
    parts = [];
    system.forEach((value, index) => {
      const block = FieldReader.of(value, joinPath('system', index));
      block.oneOf('type', ['text'] as const);
      const text = decodeTextBlock(block);
      if (text !== undefined) parts.push(text);
    });
  } else {
    return root.fail('system', `expected a string or an array of text blocks, got ${describeValue(system)}`);
  }
  return parts.length === 0 ? [] : [{ role: 'system', content: parts }];
}

/**
 * User turns holding `tool_result` blocks become canonical `tool` messages; a user turn holding both
 * results and other content splits into a tool message and a user message, in block order.
 */
function decodeMessages(root: FieldReader, toolNames: Map<string, string>): CanonicalMessage[] {
  const messages: CanonicalMessage[] = [];
  root.array('messages').forEach((value, index) => {
    const path = joinPath('messages', index);
    const message = FieldReader.of(value, path);
    const role = message.oneOf('role', ['user', 'assistant'] as const);
    if (!message.has('content')) message.fail('content', 'field required');
    if (role === 'assistant') {
      const content = decodeAssistantContent(message.raw('content'), message.at('content'));
      for (const part of content) if (part.type === 'tool-call') toolNames.set(part.id, part.name);
      messages.push({ role: 'assistant', content });
      return;
    }
    const segments = decodeUserContent(message.raw('content'), message.at('content'), toolNames);
    if (segments.length === 0) messages.push({ role: 'user', content: [] });
    for (const segment of segments) {
      messages.push(segment.kind === 'tool' ? { role: 'tool', content: segment.parts } : { role: 'user', content: segment.parts });
    }
  });
  return messages;
}

const SERVER_TOOL_TYPE = /^(web_search|web_fetch|code_execution|bash|text_editor|computer|memory|tool_search|browser|mcp)/;

function decodeTools(root: FieldReader): ToolDefinition[] | undefined {
  const tools = root.optionalArray('tools');
  if (tools === undefined) return undefined;
  return tools.map((value, index) => {
    const tool = FieldReader.of(value, joinPath('tools', index));
    const type = tool.optionalString('type');
    if (type !== undefined && type !== 'custom') {
      const what = SERVER_TOOL_TYPE.test(type) ? 'an Anthropic server/client-defined tool' : 'an unknown tool type';
      unsupported(tool.at('type'), `"${type}" is ${what}; only custom tools (name, description, input_schema) can be translated`);
    }
    const definition: ToolDefinition = { name: tool.string('name'), parameters: tool.object('input_schema').record };
    const description = tool.optionalString('description');
    if (description !== undefined) definition.description = description;
    const strict = tool.optionalBoolean('strict');
    if (strict !== undefined) definition.strict = strict;
    const cacheControl = decodeCacheControl(tool);
    if (cacheControl !== undefined) definition.cacheControl = cacheControl;
    return definition;
  });
}

/** `{type:"any"}` is canonical `required`; `disable_parallel_tool_use` is `parallelToolCalls: false`. */
function decodeToolChoice(root: FieldReader, request: CanonicalRequest): void {
  const choice = root.optionalObject('tool_choice');
  if (choice === undefined) return;
  const type = choice.oneOf('type', ['auto', 'any', 'tool', 'none'] as const);
  const toolChoice: ToolChoice =
    type === 'auto' ? { type: 'auto' } : type === 'any' ? { type: 'required' } : type === 'none' ? { type: 'none' } : { type: 'tool', name: choice.string('name') };
  request.toolChoice = toolChoice;
  const disableParallel = choice.optionalBoolean('disable_parallel_tool_use');
  if (disableParallel !== undefined) request.parallelToolCalls = !disableParallel;
}
