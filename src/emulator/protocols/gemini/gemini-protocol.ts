/**
 * generateContent / streamGenerateContent as a `CompletionProtocol`, built per request because the
 * answer's shape depends on the URL: the flavour (AI Studio or Vertex), the method (streaming or
 * not), `?alt=sse` (SSE or a JSON array) and, for error messages, the model path.
 * Credentials are checked by the route before this runs (Google answers 403/401 before reading the
 * body), so `hasCredentials` always agrees.
 * Model-dependent rules, in Google's words: thought signatures (thought-signature.ts), a thinking
 * budget of 0 on a model that always thinks, and penalties on 2.5 models, which reject them
 * [conformance gemini/error-400-invalid-argument.json].
 */
import type { CatalogModel } from '../../catalog.js';
import type { EmulatorError } from '../../errors.js';
import type { CompletionProtocol, DecodedRequest, RenderContext } from '../protocol.js';
import { geminiErrorObject, GOOGLE_JSON, invalidArgument, renderGeminiError, type GeminiRouteContext } from './errors.js';
import { geminiImplicitCache } from './implicit-cache.js';
import { decodeGeminiRequest, type GeminiRenderOptions } from './request-decode.js';
import { renderGenerateContentResponse } from './response.js';
import { frameText, renderGeminiStream, type StreamFraming } from './stream.js';
import { isGemini3, thinksAlways } from './thinking.js';
import { checkThoughtSignatures } from './thought-signature.js';

export function createGeminiProtocol(route: GeminiRouteContext, framing: StreamFraming): CompletionProtocol<GeminiRenderOptions> {
  const { flavor } = route;
  const streaming = route.method === 'streamGenerateContent';
  return {
    name: flavor === 'vertex' ? 'vertex-gemini' : 'gemini',
    hasCredentials: () => true,
    decode(body, values) {
      const decoded = decodeGeminiRequest(body, flavor, values.model ?? '');
      if (!('prompt' in decoded)) return decoded;
      return { prompt: decoded.prompt, streaming, options: decoded.options };
    },
    checkModel: (decoded, model) => checkModelRules(decoded, model, route),
    promptCache: (_decoded, model, layout, cache) => geminiImplicitCache(flavor, model, layout, cache),
    renderError: (error) => renderGeminiError(error, route),
    successHeaders: (context) => successHeaders(context, streaming ? framing : undefined),
    renderResponse: (context, options) => renderGenerateContentResponse(context, options, flavor),
    streamContentType: framing === 'sse' ? 'text/event-stream' : GOOGLE_JSON,
    renderStream: (context, options) => renderGeminiStream(context, options, flavor, framing),
    // Gemini documents no stream error; Google's servers send an error object as the next event
    // (or array element), which Google's SDKs raise as an API error.
    renderStreamError: (error, _context, options) => frameText(geminiErrorObject(error, route), flavor, framing, options.arrayStream) + (framing === 'array' ? '\n]' : ''),
  };
}

function checkModelRules(decoded: DecodedRequest<GeminiRenderOptions>, model: CatalogModel, route: GeminiRouteContext): EmulatorError | undefined {
  const request = decoded.options.request;
  const signatureError = checkThoughtSignatures(request.contents ?? [], model.name, route.flavor);
  if (signatureError !== undefined) return signatureError;
  const config = request.generationConfig ?? {};
  if (config.thinkingConfig?.thinkingBudget === 0 && thinksAlways(model.name) && !isGemini3(model.name)) {
    return invalidArgument('Budget 0 is invalid. This model only works in thinking mode.');
  }
  const penalty = (config.presencePenalty ?? 0) !== 0 || (config.frequencyPenalty ?? 0) !== 0;
  if (penalty && /^gemini-2\.5/i.test(model.name)) return invalidArgument(`Penalty is not enabled for models/${model.name}`);
  return undefined;
}

function successHeaders(context: RenderContext, framing: StreamFraming | undefined): Record<string, string> {
  return {
    'content-type': framing === 'sse' ? 'text/event-stream' : GOOGLE_JSON,
    vary: 'Origin, X-Origin, Referer',
    server: 'scaffolding on HTTPServer2',
    'server-timing': `gfet4t7; dur=${Math.round(context.generation.firstTokenDelayMs)}`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'x-xss-protection': '0',
  };
}
