/**
 * The Responses API shapes this codec writes. What it reads is `unknown`, narrowed field by field.
 * Reference: https://platform.openai.com/docs/api-reference/responses (checked against the recorded
 * traffic in ../shared/conformance/openai/responses-*).
 */

export type ImageDetail = 'auto' | 'low' | 'high';

export interface InputTextContent {
  type: 'input_text';
  text: string;
}

export interface InputImageContent {
  type: 'input_image';
  detail: ImageDetail;
  image_url?: string;
  file_id?: string;
}

export interface InputFileContent {
  type: 'input_file';
  file_data?: string;
  file_url?: string;
  file_id?: string;
  filename?: string;
}

export interface OutputTextContent {
  type: 'output_text';
  text: string;
  annotations: [];
  logprobs?: [];
}

export interface RefusalContent {
  type: 'refusal';
  refusal: string;
}

export interface SummaryText {
  type: 'summary_text';
  text: string;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface InputMessageItem {
  type: 'message';
  role: 'user' | 'system' | 'developer';
  content: Array<InputTextContent | InputImageContent | InputFileContent>;
}

/**
 * An assistant turn replayed as input. One text is sent as a string (the "easy input message" every
 * OpenAI-compatible server takes); several parts, or a refusal, as output_text / refusal parts.
 */
export interface AssistantMessageItem {
  type: 'message';
  role: 'assistant';
  content: string | Array<OutputTextContent | RefusalContent>;
}

export interface FunctionCallItem {
  type: 'function_call';
  /** The `fc_…` item id; optional on input (the call is matched by `call_id`). */
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: ItemStatus;
}

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  call_id: string;
  output: string | Array<InputTextContent | InputImageContent>;
}

export interface ReasoningItem {
  type: 'reasoning';
  id?: string;
  summary: SummaryText[];
  encrypted_content?: string;
  status?: ItemStatus;
}

export type InputItem = InputMessageItem | AssistantMessageItem | FunctionCallItem | FunctionCallOutputItem | ReasoningItem;

export interface OutputMessageItem {
  type: 'message';
  id: string;
  status: ItemStatus;
  role: 'assistant';
  content: Array<OutputTextContent | RefusalContent>;
}

export interface OutputFunctionCallItem extends FunctionCallItem {
  id: string;
  status: ItemStatus;
}

export interface OutputReasoningItem extends ReasoningItem {
  id: string;
}

export type OutputItem = OutputMessageItem | OutputFunctionCallItem | OutputReasoningItem;

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict: boolean;
}

export type ToolChoiceWire = 'auto' | 'none' | 'required' | { type: 'function'; name: string };

export type TextFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseErrorWire {
  code: string;
  message: string;
}

/** A complete `response` object, as returned without streaming and inside lifecycle events. */
export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: false;
  completed_at: number | null;
  error: ResponseErrorWire | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: null;
  max_output_tokens: null;
  max_tool_calls: null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: null;
  prompt_cache_key: null;
  reasoning: { effort: null; summary: null };
  safety_identifier: null;
  service_tier: 'default';
  store: false;
  temperature: null;
  text: { format: { type: 'text' }; verbosity: 'medium' };
  tool_choice: 'auto';
  tools: [];
  top_logprobs: 0;
  top_p: null;
  truncation: 'disabled';
  usage: ResponsesUsage | null;
  user: null;
  metadata: Record<string, string>;
}

/** The request body this codec sends upstream (a type alias, so it is a plain JSON record). */
export type ResponsesRequestBody = {
  model: string;
  input: InputItem[];
  instructions?: string;
  tools?: FunctionTool[];
  tool_choice?: ToolChoiceWire;
  parallel_tool_calls?: boolean;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_logprobs?: number;
  text?: { format: TextFormat };
  reasoning?: { effort?: string; summary?: 'auto' };
  include?: string[];
  store: false;
  stream: boolean;
  user?: string;
  metadata?: Record<string, string>;
};
