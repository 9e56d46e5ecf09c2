/**
 * The OpenAI Responses API (`POST /openai/v1/responses`) as a `CompletionProtocol`. Unlike Chat it
 * has state: responses created with `store` (the default) are kept for `previous_response_id`, and
 * reasoning `encrypted_content` is sealed with a key derived from the emulator's seed. Both live
 * with the protocol instance, one per running emulator, so two emulators in one process never
 * share conversations.
 */
import type { CatalogModel } from '../../catalog.js';
import { emulatorError, type EmulatorError } from '../../errors.js';
import { generateCompletion } from '../../generate/completion.js';
import { SeededRandom } from '../../random.js';
import type { EmulatorRuntime, Exchange } from '../../runtime.js';
import { serveCompletion } from '../../serve-completion.js';
import { hasBearerToken, successHeaders } from '../openai-chat-protocol.js';
import type { CompletionProtocol, DecodedRequest, RenderContext } from '../protocol.js';
import { ReasoningVault } from './encrypted-content.js';
import { renderResponsesError } from './errors.js';
import { ResponsesIds } from './ids.js';
import { finalItem, planOutput, renderUsage, responseOutcome, storedRecord } from './output.js';
import { decodeResponsesRequest, type ResponsesRenderOptions } from './request.js';
import { responseObject } from './response.js';
import { ResponseStore } from './store.js';
import { renderResponsesStream, renderResponsesStreamError, type PreparedResponse } from './stream.js';
import { hostedToolError } from './tools.js';

export type { ResponsesRenderOptions } from './request.js';

export interface ResponsesState {
  store: ResponseStore;
  vault: ReasoningVault;
}

export function createOpenAiResponsesProtocol(state: ResponsesState): CompletionProtocol<ResponsesRenderOptions> {
  const prepare = (context: RenderContext, options: ResponsesRenderOptions): PreparedResponse => {
    const ids = new ResponsesIds(context.random, context.created);
    const responseId = ids.next('resp');
    return { responseId, plans: planOutput(context, options, ids, state.vault) };
  };
  const remember = (options: ResponsesRenderOptions, prepared: PreparedResponse): void => {
    if (!options.store) return;
    const record = storedRecord(options.conversation, prepared.plans);
    state.store.save(prepared.responseId, record.conversation, record.items);
  };
  return {
    name: 'openai-responses',
    hasCredentials: hasBearerToken,
    decode: (body) => decodeResponsesRequest(body, state),
    checkModel,
    renderError: renderResponsesError,
    successHeaders: (context) => successHeaders(context, 'openai'),
    renderResponse: (context, options) => {
      const prepared = prepare(context, options);
      remember(options, prepared);
      const outcome = responseOutcome(context.generation);
      return responseObject(prepared.responseId, context, options.echo, {
        status: outcome.status, output: prepared.plans.map(finalItem), usage: renderUsage(context.generation), error: null, incompleteDetails: outcome.incompleteDetails, billing: true,
      });
    },
    streamContentType: 'text/event-stream; charset=utf-8',
    renderStream: (context, options) => {
      const prepared = prepare(context, options);
      return renderResponsesStream(context, options, prepared, () => remember(options, prepared));
    },
    renderStreamError: renderResponsesStreamError,
  };
}

/** Reasoning parameters on a model that cannot reason, and hosted tools, are refused as OpenAI does. */
function checkModel(decoded: DecodedRequest<ResponsesRenderOptions>, model: CatalogModel): EmulatorError | undefined {
  if (!model.reasoning && decoded.options.echo.reasoning.effort !== null) {
    return emulatorError('invalid-request', 400, "Unsupported parameter: 'reasoning.effort' is not supported with this model.", { param: 'reasoning.effort', code: 'unsupported_parameter' });
  }
  if (!model.reasoning && decoded.options.includeEncryptedReasoning) {
    return emulatorError('invalid-request', 400, 'Encrypted content is not supported with this model.', { param: 'include' });
  }
  return hostedToolError(decoded.options.echo.tools, model.responseModel);
}

const protocols = new WeakMap<EmulatorRuntime, CompletionProtocol<ResponsesRenderOptions>>();

function protocolFor(runtime: EmulatorRuntime): CompletionProtocol<ResponsesRenderOptions> {
  let protocol = protocols.get(runtime);
  if (protocol === undefined) {
    protocol = createOpenAiResponsesProtocol({ store: new ResponseStore(), vault: new ReasoningVault(runtime.seed) });
    protocols.set(runtime, protocol);
  }
  return protocol;
}

/** The route handler for `POST /openai/v1/responses`. */
export function serveResponses(exchange: Exchange, runtime: EmulatorRuntime): Promise<void> {
  return serveCompletion(protocolFor(runtime), exchange, runtime);
}

/** Decode, generate and render one request off the network, so the first real one is not slowed by schema compilation. */
export function warmUpResponses(runtime: EmulatorRuntime): void {
  const protocol = createOpenAiResponsesProtocol({ store: new ResponseStore(1), vault: new ReasoningVault(runtime.seed) });
  const decoded = protocol.decode({
    model: 'warm-up', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Use get_weather for Paris.' }] }], reasoning: { effort: 'low', summary: 'auto' },
    include: ['reasoning.encrypted_content'], tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
  }, {});
  const model = runtime.catalog.list()[0];
  if (!('prompt' in decoded) || model === undefined) return;
  const generation = generateCompletion({ prompt: decoded.prompt, model, inputTokens: 10, cachedInputTokens: 0, seed: 0, timeScale: 0 });
  const context = { random: new SeededRandom(0), created: 0, model, generation };
  JSON.stringify(protocol.renderResponse(context, decoded.options));
  for (const _frame of protocol.renderStream(context, decoded.options)) { /* render every frame once */ }
}
