/**
 * The Anthropic provider surface under `/anthropic`: Messages (JSON and SSE), token counting and
 * the model list, checked in the real API's order: credentials (`x-api-key`, or a Bearer token) →
 * `anthropic-version` → body → model. Files by role: request-schema / schema-errors /
 * conversation-rules / request (decode), content / response / stream (render), errors,
 * prompt-cache, thinking-text / thinking-signature, models.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CatalogModel } from '../../catalog.js';
import { emulatorError, type EmulatorError } from '../../errors.js';
import { generateCompletion } from '../../generate/completion.js';
import { promptTokenSequence } from '../../generate/prompt-tokens.js';
import { jsonReply, sendReply } from '../../http.js';
import { SeededRandom } from '../../random.js';
import type { EmulatorRuntime, Exchange } from '../../runtime.js';
import { serveCompletion } from '../../serve-completion.js';
import type { CompletionProtocol, DecodedRequest, EmulatorRoute, ProtocolModule, RenderContext } from '../protocol.js';
import { anthropicErrorPayload, MISSING_KEY_CODE, newAnthropicRequestId, renderAnthropicError } from './errors.js';
import { anthropicModelObject, claudeFamily } from './models.js';
import { anthropicPromptCache } from './prompt-cache.js';
import { decodeCountTokensRequest, decodeMessagesRequest, type AnthropicRenderOptions } from './request.js';
import { renderMessage } from './response.js';
import { renderAnthropicStream, renderAnthropicStreamError } from './stream.js';

export function hasAnthropicCredentials(headers: IncomingHttpHeaders): boolean {
  const key = headers['x-api-key'];
  return (typeof key === 'string' && key.trim().length > 0) || /^Bearer\s+\S+/i.test(headers.authorization ?? '');
}

export const anthropicMessages: CompletionProtocol<AnthropicRenderOptions> = {
  name: 'anthropic-messages',
  hasCredentials: hasAnthropicCredentials,
  decode: (body) => decodeMessagesRequest(body),
  checkModel,
  promptCache: (decoded, model, layout, cache) => anthropicPromptCache(decoded, model, layout, cache),
  renderError: renderAnthropicError,
  successHeaders,
  renderResponse: renderMessage,
  streamContentType: 'text/event-stream; charset=utf-8',
  renderStream: renderAnthropicStream,
  renderStreamError: (error) => renderAnthropicStreamError(anthropicErrorPayload(error)),
};

/** Rules that depend on the model: thinking support, adaptive-only thinking, effort levels. */
function checkModel(decoded: DecodedRequest<AnthropicRenderOptions>, model: CatalogModel): EmulatorError | undefined {
  const { thinkingType, effort } = decoded.options;
  const family = claudeFamily(model.name);
  const invalid = (message: string): EmulatorError => emulatorError('invalid-request', 400, message);
  if ((thinkingType === 'enabled' || thinkingType === 'adaptive') && !model.reasoning) return invalid(`thinking: ${model.name} does not support extended thinking.`);
  if (thinkingType === 'enabled' && family.adaptiveOnly) {
    return invalid('thinking.type.enabled is not supported for this model. Use thinking.type.adaptive and output_config.effort to control thinking behavior.');
  }
  if (effort !== undefined && !family.efforts.includes(effort)) {
    // Wording and the alphabetical list as recorded [conformance anthropic/messages-error-400.json].
    return invalid(`This model does not support effort level '${effort}'. Supported levels: ${[...family.efforts].sort().join(', ')}.`);
  }
  return undefined;
}

function successHeaders(context: RenderContext): Record<string, string> {
  const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const input = context.generation.usage.inputTokens;
  return {
    'request-id': newAnthropicRequestId(),
    'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
    'anthropic-ratelimit-requests-limit': '4000',
    'anthropic-ratelimit-requests-remaining': '3999',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '2000000',
    'anthropic-ratelimit-input-tokens-remaining': String(Math.max(0, 2_000_000 - input)),
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '400000',
    'anthropic-ratelimit-output-tokens-remaining': String(400_000 - context.generation.usage.outputTokens),
    'anthropic-ratelimit-output-tokens-reset': reset,
  };
}

/** Credentials first, then the version header, as the real API checks them. */
function refusePreflight(exchange: Exchange): boolean {
  const headers = exchange.request.headers;
  let error: EmulatorError | undefined;
  if (!hasAnthropicCredentials(headers)) error = emulatorError('authentication', 401, 'No API key provided.', { code: MISSING_KEY_CODE });
  else if (!String(headers['anthropic-version'] ?? '').trim()) error = emulatorError('invalid-request', 400, 'anthropic-version: header is required');
  if (error === undefined) return false;
  exchange.logFields.error = error.kind;
  sendReply(exchange.response, renderAnthropicError(error));
  return true;
}

async function serveMessages(exchange: Exchange, runtime: EmulatorRuntime): Promise<void> {
  if (refusePreflight(exchange)) return;
  await serveCompletion(anthropicMessages, exchange, runtime);
}

function countTokens(exchange: Exchange, runtime: EmulatorRuntime): void {
  if (refusePreflight(exchange)) return;
  const fail = (error: EmulatorError): void => {
    exchange.logFields.error = error.kind;
    sendReply(exchange.response, renderAnthropicError(error));
  };
  if (exchange.jsonError !== undefined || exchange.json === undefined) {
    return fail(emulatorError('invalid-json', 400, `The request body is not valid JSON${exchange.jsonError ? `: ${exchange.jsonError}` : ''}.`));
  }
  const decoded = decodeCountTokensRequest(exchange.json);
  if (!('prompt' in decoded)) return fail(decoded);
  const model = runtime.catalog.resolve(decoded.prompt.model);
  exchange.logFields.model = decoded.prompt.model;
  if (model === undefined) return fail(emulatorError('model-not-found', 404, `The model ${decoded.prompt.model} does not exist.`, { model: decoded.prompt.model }));
  const modelError = checkModel(decoded, model);
  if (modelError !== undefined) return fail(modelError);
  sendReply(exchange.response, jsonReply(200, { input_tokens: promptTokenSequence(decoded.prompt).length }, { 'request-id': newAnthropicRequestId() }));
}

/** Claude models only, newest catalog order; `limit`, `after_id` and `before_id` page as the API does. */
function listModels(exchange: Exchange, runtime: EmulatorRuntime): void {
  if (refusePreflight(exchange)) return;
  const all = runtime.catalog.list().filter((model) => model.ownedBy === 'anthropic');
  const limit = Math.min(1000, Math.max(1, Number(exchange.query.get('limit') ?? 20) || 20));
  const after = exchange.query.get('after_id');
  const before = exchange.query.get('before_id');
  let start = 0;
  let end = all.length;
  if (after !== null) start = all.findIndex((model) => model.name === after) + 1;
  if (before !== null) end = Math.max(0, all.findIndex((model) => model.name === before));
  const page = before !== null ? all.slice(Math.max(start, end - limit), end) : all.slice(start, start + limit);
  const hasMore = before !== null ? end - page.length > start : start + page.length < all.length;
  sendReply(exchange.response, jsonReply(200, {
    data: page.map(anthropicModelObject), has_more: hasMore, first_id: page[0]?.name ?? null, last_id: page.at(-1)?.name ?? null,
  }, { 'request-id': newAnthropicRequestId() }));
}

function retrieveModel(exchange: Exchange, runtime: EmulatorRuntime, name: string): void {
  if (refusePreflight(exchange)) return;
  const model = runtime.catalog.resolve(name);
  if (model === undefined) return sendReply(exchange.response, renderAnthropicError(emulatorError('model-not-found', 404, `No model ${name}.`, { model: name })));
  sendReply(exchange.response, jsonReply(200, anthropicModelObject(model), { 'request-id': newAnthropicRequestId() }));
}

const routes: EmulatorRoute[] = [
  { method: 'POST', pattern: /^\/anthropic\/v1\/messages$/, handle: (exchange, _parameters, runtime) => serveMessages(exchange, runtime) },
  { method: 'POST', pattern: /^\/anthropic\/v1\/messages\/count_tokens$/, handle: async (exchange, _parameters, runtime) => countTokens(exchange, runtime) },
  { method: 'GET', pattern: /^\/anthropic\/v1\/models$/, handle: async (exchange, _parameters, runtime) => listModels(exchange, runtime) },
  {
    method: 'GET',
    pattern: /^\/anthropic\/v1\/models\/(?<model>[^/]+)$/,
    handle: async (exchange, parameters, runtime) => retrieveModel(exchange, runtime, decodeURIComponent(parameters.model ?? '')),
  },
];

export const anthropicModule: ProtocolModule = {
  prefix: '/anthropic/',
  routes,
  renderError: renderAnthropicError,
  warmUp: (runtime) => warmUp(runtime),
};

/** Decode, generate and render one request off the network, so the first real one is not slowed by schema compilation. */
function warmUp(runtime: EmulatorRuntime): void {
  const decoded = decodeMessagesRequest({
    model: 'warm-up', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Use get_weather for Paris.', cache_control: { type: 'ephemeral' } }] }],
    tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
  });
  const model = runtime.catalog.list()[0];
  if (!('prompt' in decoded) || model === undefined) return;
  const generation = generateCompletion({ prompt: decoded.prompt, model, inputTokens: 10, cachedInputTokens: 0, seed: 0, timeScale: 0 });
  const context = { random: new SeededRandom(0), created: 0, model, generation };
  JSON.stringify(renderMessage(context, decoded.options));
  for (const _frame of renderAnthropicStream(context, decoded.options)) { /* render every frame once */ }
}
