/**
 * Errors as the Responses API words them. The envelope and most messages are Chat's
 * (openai-errors.ts); these differ: an unknown model names its `param`, the context window error
 * points at `input`, an item the API did not keep is a 404 with `param: "input"`. Inside a 200
 * stream a failure is an `error` event followed by `response.failed`
 * [conformance openai/responses-error-insufficient-quota.stream.jsonl].
 */
import type { EmulatorError } from '../../errors.js';
import { jsonReply, type HttpReply } from '../../http.js';
import { newRequestId, openAiErrorBody, renderOpenAiError } from '../openai-errors.js';

interface ErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function renderResponsesError(error: EmulatorError): HttpReply {
  const body = responsesErrorBody(error);
  if (body === undefined) return renderOpenAiError(error, 'openai');
  return jsonReply(error.status, { error: body }, { 'x-request-id': newRequestId('openai') });
}

function responsesErrorBody(error: EmulatorError): ErrorBody | undefined {
  switch (error.kind) {
    case 'model-not-found':
      return { message: `The requested model '${error.model ?? ''}' does not exist.`, type: 'invalid_request_error', param: 'model', code: 'model_not_found' };
    case 'context-length-exceeded':
      return { message: 'Your input exceeds the context window of this model. Please adjust your input and try again.', type: 'invalid_request_error', param: 'input', code: 'context_length_exceeded' };
    case 'output-limit-exceeded':
      return {
        message: `Invalid 'max_output_tokens': integer above maximum value. Expected a value <= ${error.limit ?? 0}, but got ${error.outputTokens ?? 0} instead.`,
        type: 'invalid_request_error', param: 'max_output_tokens', code: 'integer_above_max_value',
      };
    case 'not-found':
      // An unknown path keeps Chat's "Invalid URL"; a missing item is worded by the decoder.
      return error.method === undefined ? { message: error.message, type: 'invalid_request_error', param: error.param ?? null, code: null } : undefined;
    default:
      return undefined;
  }
}

/** The `error` event's payload and the `error` the failed response carries. */
export function streamFailure(error: EmulatorError): { event: ErrorBody; response: { code: string; message: string } } {
  if (error.kind === 'quota-exceeded' || error.code === 'insufficient_quota') {
    const quota = openAiErrorBody({ ...error, kind: 'quota-exceeded' });
    return { event: { type: 'insufficient_quota', code: 'insufficient_quota', message: quota.message, param: null }, response: { code: 'insufficient_quota', message: quota.message } };
  }
  if (error.kind === 'server-error') {
    const message = `An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists. Please include the request ID ${newRequestId('openai')} in your message.`;
    return { event: { type: 'server_error', code: 'server_error', message, param: null }, response: { code: 'server_error', message } };
  }
  const body = openAiErrorBody(error);
  const code = body.code ?? body.type;
  return { event: { type: body.type, code, message: body.message, param: body.param }, response: { code, message: body.message } };
}
