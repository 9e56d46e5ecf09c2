/**
 * The response object, field for field in the order OpenAI sent it in 2026
 * [conformance openai/responses-text.response.json]: the request's settings echoed back around
 * `status`, `output` and `usage`. The same envelope appears in the JSON body and, as snapshots, in
 * the stream's lifecycle events (`created`, `in_progress`, `completed`, `incomplete`, `failed`).
 */
import type { RenderContext } from '../protocol.js';
import type { ResponseEcho } from './request.js';

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseState {
  status: ResponseStatus;
  output: unknown[];
  usage: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  incompleteDetails: { reason: string } | null;
  /** Only the plain JSON body carries `billing`; stream snapshots do not. */
  billing: boolean;
}

export function responseObject(id: string, context: RenderContext, echo: ResponseEcho, state: ResponseState): Record<string, unknown> {
  const served = state.status === 'completed' || state.status === 'incomplete';
  const body: Record<string, unknown> = {
    id,
    object: 'response',
    created_at: context.created,
    status: state.status,
    background: echo.background,
  };
  if (state.billing) body.billing = { payer: 'developer' };
  Object.assign(body, {
    completed_at: state.status === 'completed' ? Math.max(context.created, Math.floor(Date.now() / 1000)) : null,
    error: state.error,
    frequency_penalty: 0,
    incomplete_details: state.incompleteDetails,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    max_tool_calls: echo.max_tool_calls,
    model: context.model.responseModel,
    moderation: null,
    output: state.output,
    parallel_tool_calls: echo.parallel_tool_calls,
    presence_penalty: 0,
    previous_response_id: echo.previous_response_id,
    prompt_cache_key: echo.prompt_cache_key,
    prompt_cache_retention: echo.prompt_cache_retention,
    reasoning: echo.reasoning,
    safety_identifier: echo.safety_identifier,
    // The request says `auto`; a finished response names the tier that actually served it.
    service_tier: served && echo.service_tier === 'auto' ? 'default' : echo.service_tier,
    store: echo.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_logprobs: echo.top_logprobs,
    top_p: echo.top_p,
    truncation: echo.truncation,
    usage: state.usage,
    user: echo.user,
    metadata: echo.metadata,
  });
  return body;
}
