/**
 * The Gemini API in its two URL schemes:
 * - AI Studio under `/gemini/`: `{v1beta|v1|v1alpha}/models/{model}:generateContent`,
 *   `:streamGenerateContent` (`?alt=sse` → SSE, else a JSON array), `:countTokens`, and `GET models`;
 *   key in `x-goog-api-key` or `?key=`;
 * - Vertex AI under `/vertex/`: `{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{model}:…`
 *   with `Authorization: Bearer`, and express mode `{v1|v1beta1}/publishers/google/models/{model}:…`
 *   with an API key.
 * Credentials are checked before the body is read, with Google's statuses: no key → 403 (AI
 * Studio) or 401 (Vertex), an empty key → 400 API_KEY_INVALID.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { generateCompletion } from '../../generate/completion.js';
import { sendReply, type HttpReply } from '../../http.js';
import { SeededRandom } from '../../random.js';
import type { EmulatorRuntime, Exchange } from '../../runtime.js';
import { serveCompletion } from '../../serve-completion.js';
import type { EmulatorRoute, ProtocolModule } from '../protocol.js';
import { invalidApiKey, missingCredentials, renderGeminiError, type GeminiRouteContext } from './errors.js';
import { createGeminiProtocol } from './gemini-protocol.js';
import { countTokens, getModel, listModels } from './models.js';
import { renderGeminiStream } from './stream.js';
import type { GeminiFlavor } from './wire-schema.js';

type Credentials = 'api-key' | 'bearer';

const METHODS = 'generateContent|streamGenerateContent|countTokens';
const MODEL = '(?<model>[^/:]+)';

const geminiRoutes: EmulatorRoute[] = [
  {
    method: 'POST',
    pattern: new RegExp(`^/gemini/(?<version>v1beta|v1|v1alpha)/models/${MODEL}:(?<method>${METHODS})$`),
    handle: (exchange, parameters, runtime) => serveMethod(exchange, parameters, runtime, 'gemini', 'api-key'),
  },
  {
    method: 'GET',
    pattern: /^\/gemini\/(?<version>v1beta|v1|v1alpha)\/models$/,
    handle: async (exchange, parameters, runtime) => {
      if (authorise(exchange, routeContext('gemini', parameters), 'api-key')) listModels(exchange, runtime);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/gemini/(?<version>v1beta|v1|v1alpha)/models/${MODEL}$`),
    handle: async (exchange, parameters, runtime) => {
      if (authorise(exchange, routeContext('gemini', parameters), 'api-key')) getModel(exchange, runtime, decodeURIComponent(parameters.model ?? ''), parameters.version ?? 'v1beta');
    },
  },
];

const vertexRoutes: EmulatorRoute[] = [
  {
    method: 'POST',
    pattern: new RegExp(`^/vertex/(?<version>v1|v1beta1)/projects/(?<project>[^/]+)/locations/(?<location>[^/]+)/publishers/google/models/${MODEL}:(?<method>${METHODS})$`),
    handle: (exchange, parameters, runtime) => serveMethod(exchange, parameters, runtime, 'vertex', 'bearer'),
  },
  {
    // Vertex AI express mode: no project in the path, an API key instead of a token.
    method: 'POST',
    pattern: new RegExp(`^/vertex/(?<version>v1|v1beta1)/publishers/google/models/${MODEL}:(?<method>${METHODS})$`),
    handle: (exchange, parameters, runtime) => serveMethod(exchange, parameters, runtime, 'vertex', 'api-key'),
  },
];

const DEFAULT_ROUTE: Record<GeminiFlavor, GeminiRouteContext> = {
  gemini: { flavor: 'gemini', apiVersion: 'v1beta', method: 'generateContent' },
  vertex: { flavor: 'vertex', apiVersion: 'v1', method: 'generateContent' },
};

export const geminiModule: ProtocolModule = {
  prefix: '/gemini/',
  routes: geminiRoutes,
  renderError: (error) => renderGeminiError(error, DEFAULT_ROUTE.gemini),
  warmUp: (runtime) => warmUp(runtime),
};

export const vertexGeminiModule: ProtocolModule = {
  prefix: '/vertex/',
  routes: vertexRoutes,
  renderError: (error) => renderGeminiError(error, DEFAULT_ROUTE.vertex),
};

function routeContext(flavor: GeminiFlavor, parameters: Record<string, string>): GeminiRouteContext {
  const context: GeminiRouteContext = { flavor, apiVersion: parameters.version ?? DEFAULT_ROUTE[flavor].apiVersion, method: parameters.method ?? 'generateContent' };
  if (parameters.project !== undefined) context.project = decodeURIComponent(parameters.project);
  if (parameters.location !== undefined) context.location = decodeURIComponent(parameters.location);
  return context;
}

async function serveMethod(exchange: Exchange, parameters: Record<string, string>, runtime: EmulatorRuntime, flavor: GeminiFlavor, credentials: Credentials): Promise<void> {
  const route = routeContext(flavor, parameters);
  if (!authorise(exchange, route, credentials)) return;
  const model = decodeURIComponent(parameters.model ?? '');
  // An empty body is an empty request to Google ("contents is not specified"), not broken JSON.
  const request = exchange.json === undefined && exchange.jsonError === undefined ? { ...exchange, json: {} } : exchange;
  if (route.method === 'countTokens') return countTokens(request, runtime, route, model);
  const framing = exchange.query.get('alt') === 'sse' ? 'sse' : 'array';
  await serveCompletion(createGeminiProtocol(route, framing), request, runtime, { model });
}

/** True when the request may proceed; otherwise the error reply has been sent. */
function authorise(exchange: Exchange, route: GeminiRouteContext, credentials: Credentials): boolean {
  const headers = exchange.request.headers;
  if (credentials === 'bearer') {
    if (/^Bearer\s+\S+/i.test(headers.authorization ?? '')) return true;
    return refuse(exchange, missingCredentials('vertex', route));
  }
  const key = apiKey(headers, exchange.query);
  if (key === undefined) return refuse(exchange, missingCredentials(route.flavor, route));
  if (key.trim() === '') return refuse(exchange, invalidApiKey());
  return true;
}

function apiKey(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const header = headers['x-goog-api-key'];
  if (typeof header === 'string') return header;
  return query.get('key') ?? undefined;
}

function refuse(exchange: Exchange, reply: HttpReply): false {
  exchange.logFields.error = 'authentication';
  sendReply(exchange.response, reply);
  return false;
}

/** Decode, generate and render one request off the network, so first-request latency is honest. */
function warmUp(runtime: EmulatorRuntime): void {
  const protocol = createGeminiProtocol(DEFAULT_ROUTE.gemini, 'sse');
  const body = {
    contents: [{ role: 'user', parts: [{ text: 'Use get_weather for Paris.' }] }],
    tools: [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } } } }] }],
  };
  const decoded = protocol.decode(body, { model: 'gemini-3.1-pro' });
  const model = runtime.catalog.list()[0];
  if (!('prompt' in decoded) || model === undefined) return;
  const generation = generateCompletion({ prompt: decoded.prompt, model, inputTokens: 10, cachedInputTokens: 0, seed: 0, timeScale: 0 });
  const context = { random: new SeededRandom(0), created: 0, model, generation };
  JSON.stringify(protocol.renderResponse(context, decoded.options));
  for (const _frame of renderGeminiStream(context, decoded.options, 'gemini', 'sse')) { /* render every frame once */ }
}
