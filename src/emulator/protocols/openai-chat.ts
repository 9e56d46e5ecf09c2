/**
 * The OpenAI provider surface: Chat Completions, Responses (openai-responses/) and the model list
 * under `/openai/v1`, and the same Chat Completions under Azure's deployment-scoped scheme
 * `/azure/openai/deployments/{deployment}/chat/completions?api-version=…`.
 */
import { emulatorError } from '../errors.js';
import { generateCompletion } from '../generate/completion.js';
import { SeededRandom } from '../random.js';
import { jsonReply, sendReply } from '../http.js';
import type { EmulatorRuntime, Exchange } from '../runtime.js';
import { serveCompletion } from '../serve-completion.js';
import type { EmulatorRoute, ProtocolModule } from './protocol.js';
import { renderOpenAiError } from './openai-errors.js';
import { createOpenAiChatProtocol, hasBearerToken } from './openai-chat-protocol.js';
import { serveResponses, warmUpResponses } from './openai-responses/index.js';

const openAiChat = createOpenAiChatProtocol('openai');
const azureChat = createOpenAiChatProtocol('azure');

const routes: EmulatorRoute[] = [
  {
    method: 'POST',
    pattern: /^\/openai\/v1\/chat\/completions$/,
    handle: (exchange, _parameters, runtime) => serveCompletion(openAiChat, exchange, runtime),
  },
  {
    method: 'POST',
    pattern: /^\/openai\/v1\/responses$/,
    handle: (exchange, _parameters, runtime) => serveResponses(exchange, runtime),
  },
  {
    method: 'GET',
    pattern: /^\/openai\/v1\/models$/,
    handle: async (exchange, _parameters, runtime) => listModels(exchange, runtime),
  },
  {
    method: 'GET',
    pattern: /^\/openai\/v1\/models\/(?<model>[^/]+)$/,
    handle: async (exchange, parameters, runtime) => retrieveModel(exchange, runtime, decodeURIComponent(parameters.model ?? '')),
  },
];

const azureRoutes: EmulatorRoute[] = [
  {
    method: 'POST',
    pattern: /^\/azure\/openai\/deployments\/(?<deployment>[^/]+)\/chat\/completions$/,
    // The deployment name is the model; Azure ignores the body's `model`.
    handle: (exchange, parameters, runtime) => serveCompletion(azureChat, exchange, runtime, { model: decodeURIComponent(parameters.deployment ?? '') }),
  },
];

export const openAiModule: ProtocolModule = {
  prefix: '/openai/',
  routes,
  renderError: (error) => renderOpenAiError(error, 'openai'),
  warmUp: (runtime) => {
    warmUp(runtime);
    warmUpResponses(runtime);
  },
};
export const azureOpenAiModule: ProtocolModule = { prefix: '/azure/', routes: azureRoutes, renderError: (error) => renderOpenAiError(error, 'azure') };

/** Decode, generate and render one request off the network, so first-request latency is honest. */
function warmUp(runtime: EmulatorRuntime): void {
  const decoded = openAiChat.decode({ model: 'warm-up', messages: [{ role: 'user', content: 'Use get_weather for Paris.' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] }, {});
  const model = runtime.catalog.list()[0];
  if (!('prompt' in decoded) || model === undefined) return;
  const generation = generateCompletion({ prompt: decoded.prompt, model, inputTokens: 10, cachedInputTokens: 0, seed: 0, timeScale: 0 });
  const context = { random: new SeededRandom(0), created: 0, model, generation };
  JSON.stringify(openAiChat.renderResponse(context, decoded.options));
  for (const _frame of openAiChat.renderStream(context, decoded.options)) { /* render every frame once */ }
}

function modelObject(name: string, ownedBy: string): Record<string, unknown> {
  // A fixed date keeps the list byte-identical between runs.
  return { id: name, object: 'model', created: 1_767_225_600, owned_by: ownedBy };
}

function listModels(exchange: Exchange, runtime: EmulatorRuntime): void {
  if (!hasBearerToken(exchange.request.headers)) return sendReply(exchange.response, renderOpenAiError(emulatorError('authentication', 401, 'No API key provided.')));
  const data = runtime.catalog.list().map((model) => modelObject(model.name, model.ownedBy));
  sendReply(exchange.response, jsonReply(200, { object: 'list', data }));
}

function retrieveModel(exchange: Exchange, runtime: EmulatorRuntime, name: string): void {
  if (!hasBearerToken(exchange.request.headers)) return sendReply(exchange.response, renderOpenAiError(emulatorError('authentication', 401, 'No API key provided.')));
  const model = runtime.catalog.resolve(name);
  if (model === undefined) return sendReply(exchange.response, renderOpenAiError(emulatorError('model-not-found', 404, `No model ${name}.`, { model: name })));
  sendReply(exchange.response, jsonReply(200, modelObject(model.name, model.ownedBy)));
}
