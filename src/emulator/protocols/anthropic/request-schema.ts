/**
 * The Messages request body as the emulator validates it. Unlike OpenAI, Anthropic refuses unknown
 * top-level fields ("reasoning_effort: Extra inputs are not permitted"), so the top level is strict
 * and lists every field the API takes; blocks stay loose (citations and other optional extras).
 * Conversation rules that span fields are checked afterwards (conversation-rules.ts).
 * https://docs.claude.com/en/api/messages
 */
import { z } from 'zod';

export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

const cacheControl = z.looseObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });
const cached = { cache_control: cacheControl.nullish() };

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string(), ...cached });
const imageSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.enum(IMAGE_MEDIA_TYPES), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string() }),
  z.looseObject({ type: z.literal('file'), file_id: z.string() }),
]);
const imageBlock = z.looseObject({ type: z.literal('image'), source: imageSource, ...cached });
const documentSource = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.literal('application/pdf'), data: z.string() }),
  z.looseObject({ type: z.literal('text'), media_type: z.literal('text/plain'), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string() }),
  z.looseObject({ type: z.literal('file'), file_id: z.string() }),
  z.looseObject({ type: z.literal('content') }),
]);
const documentBlock = z.looseObject({ type: z.literal('document'), source: documentSource, title: z.string().nullish(), ...cached });
const searchResultBlock = z.looseObject({ type: z.literal('search_result'), ...cached });
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()), ...cached });
const toolResultContent = z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, searchResultBlock]);
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(toolResultContent)]).optional(),
  is_error: z.boolean().optional(),
  ...cached,
});
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinkingBlock = z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() });
/** Server-tool traffic (web search, code execution, MCP): accepted, never interpreted by the emulator. */
const serverToolBlock = z.looseObject({
  type: z.enum([
    'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', 'code_execution_tool_result',
    'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result', 'mcp_tool_use', 'mcp_tool_result', 'container_upload',
  ]),
});

const contentBlock = z.discriminatedUnion('type', [
  textBlock, imageBlock, documentBlock, searchResultBlock, toolUseBlock, toolResultBlock, thinkingBlock, redactedThinkingBlock, serverToolBlock,
]);

const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlock)]),
});

const customTool = z.looseObject({
  type: z.literal('custom').optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  strict: z.boolean().optional(),
  ...cached,
});
/** Anthropic-defined tools are versioned by date (`web_search_20250305`, `bash_20250124`, …). */
const serverTool = z.looseObject({ type: z.string().regex(/_\d{8}$/), name: z.string(), ...cached });

const toolChoice = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('none') }),
]);

const thinkingDisplay = z.enum(['summarized', 'omitted']).optional();
const thinking = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.int(), display: thinkingDisplay }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive'), display: thinkingDisplay }),
]);

const jsonSchemaFormat = z.looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) });
const outputConfig = z.looseObject({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  format: jsonSchemaFormat.nullish(),
});

/** Fields shared by `messages` and `messages/count_tokens`. */
const promptFields = {
  model: z.string(),
  messages: z.array(message),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  tools: z.array(z.union([customTool, serverTool])).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  output_config: outputConfig.optional(),
  cache_control: cacheControl.nullish(),
  mcp_servers: z.array(z.unknown()).optional(),
  context_management: z.unknown().optional(),
};

export const messagesRequestSchema = z.strictObject({
  ...promptFields,
  max_tokens: z.int().min(1),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.int().min(0).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
  /** The beta spelling of `output_config.format`. */
  output_format: jsonSchemaFormat.nullish(),
  container: z.unknown().optional(),
  inference_geo: z.string().optional(),
  speed: z.string().optional(),
  user_profile_id: z.string().optional(),
  workspace_id: z.string().optional(),
});

export const countTokensRequestSchema = z.strictObject(promptFields);

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type AnthropicMessage = MessagesRequest['messages'][number];
export type AnthropicBlock = Exclude<AnthropicMessage['content'], string>[number];
export type AnthropicTool = NonNullable<MessagesRequest['tools']>[number];
export type AnthropicCacheControl = z.infer<typeof cacheControl>;
/** Both bodies, as the rules and the decoder read them (count_tokens has no output settings). */
export type PromptRequest = z.infer<typeof countTokensRequestSchema> & Partial<Omit<MessagesRequest, keyof z.infer<typeof countTokensRequestSchema>>>;
