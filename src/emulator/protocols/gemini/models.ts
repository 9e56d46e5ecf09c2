/**
 * The non-generating Gemini methods: `models.list`, `models.get` and `countTokens`.
 * Any catalog model is listed and served (as under every prefix); the resource fields follow
 * https://ai.google.dev/api/models#Model. `countTokens` counts exactly what generateContent reports
 * as `promptTokenCount` for the same contents, and takes either `contents` or a whole
 * `generateContentRequest`.
 */
import type { CatalogModel } from '../../catalog.js';
import { promptTokenSequence } from '../../generate/prompt-tokens.js';
import { IMAGE_TOKENS_DEFAULT } from '../../tokens.js';
import { emulatorError } from '../../errors.js';
import { jsonReply, sendReply, type HttpReply } from '../../http.js';
import type { EmulatorRuntime, Exchange } from '../../runtime.js';
import { googleReply, GOOGLE_JSON, invalidArgument, payloadError, renderGeminiError, type GeminiRouteContext } from './errors.js';
import { decodeGeminiRequest } from './request-decode.js';
import { parseWireMessage } from './wire-validate.js';
import type { GeminiCountTokensRequest, GeminiRequest } from './wire-types.js';

export function listModels(exchange: Exchange, runtime: EmulatorRuntime): void {
  sendReply(exchange.response, googleJsonReply({ models: runtime.catalog.list().map(modelResource) }));
}

export function getModel(exchange: Exchange, runtime: EmulatorRuntime, name: string, apiVersion: string): void {
  const model = runtime.catalog.resolve(name.replace(/^models\//, ''));
  if (model === undefined) return sendReply(exchange.response, googleReply(404, `Model is not found: models/${name} for api version ${apiVersion}`));
  sendReply(exchange.response, googleJsonReply(modelResource(model)));
}

export function countTokens(exchange: Exchange, runtime: EmulatorRuntime, route: GeminiRouteContext, modelName: string): void {
  const fail = (reply: HttpReply): void => {
    exchange.logFields.error = 'invalid-request';
    sendReply(exchange.response, reply);
  };
  if (exchange.jsonError !== undefined) return fail(renderGeminiError(emulatorError('invalid-json', 400, `The request body is not valid JSON: ${exchange.jsonError}.`), route));
  const parsed = parseWireMessage(exchange.json ?? {}, 'CountTokensRequest', route.flavor);
  if ('violations' in parsed) return fail(renderGeminiError(payloadError(parsed.violations), route));
  const body = parsed.value as GeminiCountTokensRequest;
  const request: GeminiRequest = body.generateContentRequest ?? { contents: body.contents, systemInstruction: body.systemInstruction, tools: body.tools };
  if ((request.contents ?? []).length === 0) return fail(renderGeminiError(invalidArgument('* CountTokensRequest.contents: contents is not specified\n'), route));
  const decoded = decodeGeminiRequest(request, route.flavor, modelName);
  if (!('prompt' in decoded)) return fail(renderGeminiError(decoded, route));
  const model = runtime.catalog.resolve(modelName);
  if (model === undefined) return fail(renderGeminiError(emulatorError('model-not-found', 404, 'Not found.', { model: modelName }), route));
  exchange.logFields.model = modelName;
  const totalTokens = promptTokenSequence(decoded.prompt).length;
  const imageTokens = Math.min(totalTokens, decoded.options.imageCount * IMAGE_TOKENS_DEFAULT);
  const details = [{ modality: 'TEXT', tokenCount: totalTokens - imageTokens }, ...(imageTokens > 0 ? [{ modality: 'IMAGE', tokenCount: imageTokens }] : [])];
  if (route.flavor === 'vertex') {
    const characters = (request.contents ?? []).flatMap((content) => content.parts ?? []).reduce((sum, part) => sum + (part.text?.replace(/\s/g, '').length ?? 0), 0);
    return sendReply(exchange.response, googleJsonReply({ totalTokens, totalBillableCharacters: characters, promptTokensDetails: details }));
  }
  sendReply(exchange.response, googleJsonReply({ totalTokens, promptTokensDetails: details }));
}

function modelResource(model: CatalogModel): Record<string, unknown> {
  return {
    name: `models/${model.name}`,
    version: '001',
    displayName: displayName(model.name),
    description: `${displayName(model.name)}, served by the Switchyard emulator.`,
    inputTokenLimit: model.contextWindow,
    outputTokenLimit: model.maxOutput,
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    maxTemperature: 2,
    thinking: model.reasoning,
  };
}

/** `gemini-3.1-pro` → `Gemini 3.1 Pro`. */
function displayName(name: string): string {
  return name.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

function googleJsonReply(body: unknown): HttpReply {
  const reply = jsonReply(200, body);
  reply.headers['content-type'] = GOOGLE_JSON;
  return reply;
}
