/**
 * The request path every completion protocol shares, in the order the real APIs check things:
 * credentials → JSON → request shape → model → faults → context limits → generate → wait → write.
 * Protocol modules only decode and render; pacing, faults and backpressure live here once.
 */
import { emulatorError, faultError, type EmulatorError } from './errors.js';
import { parseFaultHeader, type FaultSpec } from './faults.js';
import { generateCompletion } from './generate/completion.js';
import { checkLimits } from './generate/limits.js';
import { promptTokenLayout } from './generate/prompt-tokens.js';
import { sendReply, writeChunk } from './http.js';
import type { CompletionProtocol, DecodedRequest, RenderContext, RouteValues } from './protocols/protocol.js';
import { deriveSeed, SeededRandom } from './random.js';
import type { EmulatorRuntime, Exchange } from './runtime.js';
import { sleep, waitForAbort } from './timing.js';

export const FAULT_HEADER = 'x-emulator-fault';

/** Largest coalesced write; keeps backpressure responsive when a whole stream is due at once. */
const MAXIMUM_BATCH_CHARACTERS = 16 * 1024;

export async function serveCompletion<Options>(
  protocol: CompletionProtocol<Options>, exchange: Exchange, runtime: EmulatorRuntime, route: RouteValues = {},
): Promise<void> {
  const fail = (error: EmulatorError): void => {
    exchange.logFields.error = error.kind;
    sendReply(exchange.response, protocol.renderError(error));
  };
  if (!protocol.hasCredentials(exchange.request.headers)) return fail(emulatorError('authentication', 401, 'No API key provided.'));
  if (exchange.jsonError !== undefined || exchange.json === undefined) {
    return fail(emulatorError('invalid-json', 400, `The request body is not valid JSON${exchange.jsonError ? `: ${exchange.jsonError}` : ''}.`));
  }
  const decoded = protocol.decode(exchange.json, route);
  if (!('prompt' in decoded)) return fail(decoded);
  const model = runtime.catalog.resolve(decoded.prompt.model);
  exchange.logFields.model = decoded.prompt.model;
  exchange.logFields.stream = decoded.streaming;
  if (model === undefined) return fail(emulatorError('model-not-found', 404, `The model ${decoded.prompt.model} does not exist.`, { model: decoded.prompt.model }));
  const modelError = protocol.checkModel?.(decoded, model);
  if (modelError !== undefined) return fail(modelError);

  const faultSpec = requestFault(exchange, model.fault);
  if ('error' in faultSpec) return fail(emulatorError('invalid-request', 400, faultSpec.error, { param: FAULT_HEADER }));
  const fault = runtime.faultDice.decide(model.name, faultSpec.spec);
  if (fault !== undefined) exchange.logFields.fault = fault;
  const extraDelay = fault?.firstTokenDelayMs ?? 0;
  if (fault?.status !== undefined) {
    await sleep(extraDelay, exchange.signal);
    return fail(faultError(fault, model.name));
  }
  if (fault?.timeout === true) {
    // Hold the socket open and silent until the client gives up (or the emulator closes).
    await waitForAbort(exchange.signal);
    return;
  }

  const layout = promptTokenLayout(decoded.prompt);
  const promptTokens = layout.tokens;
  const limitError = checkLimits(decoded.prompt, model, promptTokens.length);
  if (limitError !== undefined) return fail(limitError);
  const cache = protocol.promptCache?.(decoded, model, layout, runtime.prefixCache)
    ?? { cachedInputTokens: runtime.prefixCache.lookupAndStore(model.name, promptTokens), cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
  const generation = generateCompletion({
    prompt: decoded.prompt, model, inputTokens: promptTokens.length, cachedInputTokens: cache.cachedInputTokens, seed: runtime.seed, timeScale: runtime.timeScale,
  });
  if (cache.cacheWriteTokens > 0) {
    generation.usage = { ...generation.usage, cacheWriteTokens: cache.cacheWriteTokens, cacheWrite1hTokens: cache.cacheWrite1hTokens };
  }
  const context: RenderContext = {
    random: new SeededRandom(deriveSeed(generation.seed, 'render', runtime.nextRequestNumber())),
    created: Math.floor(Date.now() / 1000),
    model,
    generation,
  };
  exchange.logFields.usage = generation.usage;
  if (decoded.streaming) await writeStream(protocol, exchange, context, decoded, fault, extraDelay);
  else await writeResponse(protocol, exchange, context, decoded, fault, extraDelay);
}

/** The header's spec replaces the model's configured one for this request. */
function requestFault(exchange: Exchange, configured: FaultSpec | undefined): { spec: FaultSpec | undefined } | { error: string } {
  const header = exchange.request.headers[FAULT_HEADER];
  const value = Array.isArray(header) ? header.join(';') : header;
  if (value === undefined || value.trim() === '') return { spec: configured };
  const parsed = parseFaultHeader(value);
  if ('error' in parsed) return parsed;
  return { spec: parsed.spec === 'none' ? undefined : parsed.spec };
}

async function writeResponse<Options>(
  protocol: CompletionProtocol<Options>, exchange: Exchange, context: RenderContext, decoded: DecodedRequest<Options>,
  fault: FaultSpec | undefined, extraDelay: number,
): Promise<void> {
  const { generation } = context;
  // Choices decode in parallel, so the longest visible answer sets the wait.
  const longest = Math.max(0, ...generation.choices.map((choice) => choice.outputTokens - choice.reasoningTokens));
  await sleep(generation.firstTokenDelayMs + extraDelay + longest * generation.millisecondsPerToken, exchange.signal);
  if (exchange.signal.aborted) return;
  if (fault?.errorAfter !== undefined) {
    // No in-band error exists for a plain JSON body: answer with the provider's error (a 500 by default).
    exchange.logFields.error = 'server-error';
    sendReply(exchange.response, protocol.renderError(faultError({ status: fault.errorStatus ?? 500, code: fault.code }, context.model.name)));
    return;
  }
  const body = JSON.stringify(protocol.renderResponse(context, decoded.options));
  const headers = { 'content-type': 'application/json', ...protocol.successHeaders(context) };
  if (fault?.dropAfter !== undefined) {
    // Send the head and part of the body, then cut the connection mid-JSON.
    exchange.response.writeHead(200, headers);
    exchange.response.write(body.slice(0, Math.floor(body.length / 2)));
    await destroyAfterFlush(exchange);
    return;
  }
  sendReply(exchange.response, { status: 200, headers, body });
}

async function writeStream<Options>(
  protocol: CompletionProtocol<Options>, exchange: Exchange, context: RenderContext, decoded: DecodedRequest<Options>,
  fault: FaultSpec | undefined, extraDelay: number,
): Promise<void> {
  const { response, signal } = exchange;
  const { generation } = context;
  await sleep(generation.firstTokenDelayMs + extraDelay, signal);
  if (signal.aborted) return;
  response.writeHead(200, {
    'content-type': protocol.streamContentType,
    'cache-control': 'no-cache',
    ...protocol.successHeaders(context),
  });
  const started = performance.now();
  let due = 0;
  let contentFrames = 0;
  // Frames due at the same moment (time_scale 0, or n > 1 rounds) go out in one write: one syscall
  // instead of thousands. A frame is never held back past the moment it is due.
  let batch = '';
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return !signal.aborted;
    const text = batch;
    batch = '';
    return writeChunk(response, text, signal);
  };
  for (const frame of protocol.renderStream(context, decoded.options)) {
    if (frame.content) {
      if (fault?.dropAfter !== undefined && contentFrames >= fault.dropAfter) {
        exchange.logFields.dropped = true;
        await flush();
        await destroyAfterFlush(exchange);
        return;
      }
      if (fault?.errorAfter !== undefined && contentFrames >= fault.errorAfter) {
        const errorEvent = protocol.renderStreamError(faultError({ status: fault.errorStatus ?? 500, code: fault.code }, context.model.name), context, decoded.options);
        exchange.logFields.error = 'stream-error';
        if (errorEvent === undefined) {
          await flush();
          await destroyAfterFlush(exchange);
        } else {
          batch += errorEvent;
          if (await flush()) response.end();
        }
        return;
      }
      contentFrames++;
    }
    // Pace against the start time, not frame by frame, so timer overshoot does not accumulate.
    due += frame.tokens * generation.millisecondsPerToken;
    const wait = due - (performance.now() - started);
    if (wait > 1) {
      if (!(await flush())) return;
      await sleep(wait, signal);
    }
    batch += frame.text;
    if (batch.length >= MAXIMUM_BATCH_CHARACTERS && !(await flush())) return;
  }
  if (await flush()) response.end();
}

/** Cut the connection the way a crashed upstream does, after what was written reached the socket. */
async function destroyAfterFlush(exchange: Exchange): Promise<void> {
  const socket = exchange.response.socket;
  // 'drain' only fires after a refused write, so poll the socket's queue briefly instead.
  for (let waited = 0; socket !== null && socket.writableLength > 0 && waited < 1_000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  exchange.response.destroy();
  exchange.request.socket.destroy();
}
