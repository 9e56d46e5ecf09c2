/**
 * One attempt: send the request to one deployment and wait until it has either succeeded (a full
 * answer, or a stream whose first content has arrived) or failed in a way the route can act on.
 * Nothing reaches the client before success, so every failure here can still fall back.
 */
import type { CancelSignal } from '../util/cancel-signal.js';
import type { CanonicalRequest, CanonicalResponse, CanonicalUsage, ProtocolName, StreamPart } from '../canonical/types.js';
import type { PartObserver } from './relay.js';
import { UsageTally, type StreamUsage } from '../metering/usage-tally.js';
import { formatUsd } from '../metering/meter.js';
import type { ProviderConfig } from '../config/types.js';
import { GatewayError, toRenderable, type ErrorKind, type RenderableError } from '../errors/catalogue.js';
import { providerEndpoint, relayedBody } from '../providers/endpoint.js';
import { PROVIDER_PROFILES, type ProviderProfile } from '../providers/kinds.js';
import type { UpstreamClient, UpstreamResponse } from '../providers/upstream-client.js';
import { CODECS } from '../protocols/registry.js';
import { classifyGatewayError, classifyStreamError, classifyUpstreamError, type FailureClass } from '../routing/failure.js';
import type { Candidate } from '../routing/plan.js';
import { prependTopLevelField, replaceTopLevelString } from '../util/json-field.js';
import { ChatStreamUsage, shapeStream } from './chat-stream-usage.js';
import { applyPromptCaching, type PromptCachingOptions } from '../caching/index.js';
import { applyContextPolicy } from '../context/index.js';
import { inlineImageUrls, type InlineUrlOptions } from '../media/inline-urls.js';
import { decodeChatUsage } from '../protocols/openai-chat/usage.js';
import type { GatewayRequest, GatewayResponse } from './http-types.js';
import type { IngressRead } from './ingress.js';
import { readAll } from './read-body.js';
import { relayStream, type StreamOutcome } from './relay.js';
import { forwardableHeaders } from './response-headers.js';
import { awaitFirstContent } from './stream-start.js';
import { renderStreamError, translateError, translateResponse, translateStream } from './translate.js';

/** Anthropic requires `max_tokens`; its codec's per-model default yields to the config's `max_output`. */
const PROTOCOLS_REQUIRING_OUTPUT_CAP = new Set<ProtocolName>(['anthropic-messages']);

/** Error bodies are small; a provider sending megabytes of error is cut off. */
const ERROR_BODY_LIMIT = 256 * 1024;

/** The caller's request, decoded at most once and encoded once per protocol a target speaks. */
export class CallerRequest {
  private decoded: CanonicalRequest | undefined;

  constructor(
    readonly protocol: ProtocolName,
    readonly request: GatewayRequest,
    readonly json: Record<string, unknown>,
    readonly read: IngressRead,
    /** The model as the caller named it. */
    readonly model: string,
  ) {}

  canonical(): CanonicalRequest {
    if (this.decoded === undefined) {
      this.decoded = CODECS[this.protocol].decodeRequest(this.json, { model: this.model, stream: this.read.stream });
      this.decoded.stream = this.read.stream;
    }
    return this.decoded;
  }

  private inlined: Promise<CanonicalRequest | undefined> | undefined;

  /**
   * The request with its URL images and documents downloaded into base64; undefined when it has none
   * (or cannot be decoded: then it is relayed as it is). `reshaped` (a context policy's result) is
   * inlined afresh; the caller's own request once, whatever the number of attempts.
   */
  withInlineMedia(options: InlineUrlOptions, reshaped?: CanonicalRequest): Promise<CanonicalRequest | undefined> {
    const inline = (request: CanonicalRequest): Promise<CanonicalRequest | undefined> => (hasUrlMedia(request) ? inlineImageUrls(request, options) : Promise.resolve(undefined));
    if (reshaped !== undefined) return inline(reshaped);
    if (this.inlined === undefined) {
      let canonical: CanonicalRequest | undefined;
      try {
        canonical = this.canonical();
      } catch {
        canonical = undefined;
      }
      this.inlined = canonical === undefined ? Promise.resolve(undefined) : inline(canonical);
    }
    return this.inlined;
  }

  /** Gemini clients that stream without alt=sse want a JSON array; providers are always asked for SSE. */
  passthroughTo(egress: ProtocolName): boolean {
    return egress === this.protocol && !this.read.jsonArrayStream;
  }

  /**
   * An OpenAI Chat stream that did not ask for usage: metering asks the provider for it, and the
   * relay hides it from the caller again (see chat-usage-chunks.ts).
   */
  needsInjectedUsage(egress: ProtocolName, meter: boolean): boolean {
    return meter && this.protocol === 'openai-chat' && this.read.stream && !this.read.includeUsage && this.passthroughTo(egress);
  }

  /**
   * The provider-bound body. Same protocol: the caller's bytes with `model` rewritten in place, and
   * re-serialised only when something must change (prompt-cache hints, the usage request, a
   * context policy's reshaped conversation). Otherwise encoded from the canonical request.
   */
  bodyFor(egress: ProtocolName, upstreamModel: string, options: BodyOptions = {}): { body: Buffer; promptCache: string | undefined } {
    if (this.passthroughTo(egress) && options.reshaped === undefined) {
      let body = typeof this.json.model === 'string' && this.json.model !== upstreamModel ? replaceTopLevelString(this.request.body, 'model', upstreamModel) : this.request.body;
      const cached = options.promptCache === undefined ? undefined : applyPromptCaching(egress, { ...this.json, model: upstreamModel }, options.promptCache);
      if (cached?.changed === true) {
        if (options.askUsage === true) cached.body.stream_options = { ...(isObject(this.json.stream_options) ? this.json.stream_options : {}), include_usage: true };
        return { body: Buffer.from(JSON.stringify(cached.body)), promptCache: cached.description };
      }
      if (options.askUsage === true) body = withIncludeUsage(body, this.json);
      return { body, promptCache: undefined };
    }
    let canonical = options.reshaped ?? this.canonical();
    const maxOutput = options.maxOutput;
    if (canonical.maxOutputTokens === undefined && maxOutput !== undefined && PROTOCOLS_REQUIRING_OUTPUT_CAP.has(egress)) canonical = { ...canonical, maxOutputTokens: maxOutput };
    const encoded = CODECS[egress].encodeRequest(canonical, upstreamModel) as Record<string, unknown>;
    if (options.askUsage === true) encoded.stream_options = { include_usage: true };
    const cached = options.promptCache === undefined ? undefined : applyPromptCaching(egress, encoded, options.promptCache);
    return { body: Buffer.from(JSON.stringify(cached?.body ?? encoded)), promptCache: cached?.changed === true ? cached.description : undefined };
  }
}

export interface BodyOptions {
  /** The target model's output cap, used where the target protocol requires one and the caller set none. */
  maxOutput?: number | undefined;
  /** Add `stream_options.include_usage` (OpenAI Chat streams). */
  askUsage?: boolean;
  /** Automatic provider prompt caching; undefined leaves the body as it is. */
  promptCache?: PromptCachingOptions | undefined;
  /** The conversation as a context policy reshaped it: always encoded, never relayed. */
  reshaped?: CanonicalRequest | undefined;
}

function hasUrlMedia(request: CanonicalRequest): boolean {
  const isUrl = (part: { type: string; source?: { kind: string } }): boolean => (part.type === 'image' || part.type === 'document') && part.source?.kind === 'url';
  return request.messages.some((message) =>
    (message.content as Array<{ type: string; source?: { kind: string }; content?: Array<{ type: string; source?: { kind: string } }> }>).some(
      (part) => isUrl(part) || (part.type === 'tool-result' && Array.isArray(part.content) && part.content.some(isUrl)),
    ),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body asking for the usage chunk; only an existing `stream_options` forces a re-serialisation. */
function withIncludeUsage(body: Buffer, json: Record<string, unknown>): Buffer {
  const options = json.stream_options;
  if (options === undefined) return prependTopLevelField(body, 'stream_options', '{"include_usage":true}');
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  parsed.stream_options = { ...(typeof options === 'object' && options !== null ? options : {}), include_usage: true };
  return Buffer.from(JSON.stringify(parsed));
}

export interface AttemptFailure {
  failureClass: FailureClass;
  /** Status as the provider (or the gateway, for transport failures) gave it. */
  status: number;
  message: string;
  retryAfter: string | undefined;
  /** The failure as the caller would see it if nothing else is tried. */
  render(): GatewayResponse;
}

export interface AttemptSuccess {
  response: GatewayResponse;
  /** Non-streaming answers, decoded when metering or the response cache reads them. */
  answer?: CanonicalResponse | undefined;
  /** Non-streaming answers: the usage they report and the tool calls they make (streams report theirs when they end). */
  usage?: CanonicalUsage;
  toolCalls?: number;
  /** Until the first content (streams) or the whole answer (otherwise), ms. */
  ttftMs: number;
  /** Release the provider response without sending it (a hedge that lost the race). */
  discard(): void;
}

export type AttemptOutcome = { ok: true; success: AttemptSuccess } | { ok: false; failure: AttemptFailure };

export interface AttemptInput {
  caller: CallerRequest;
  candidate: Candidate;
  provider: ProviderConfig;
  client: UpstreamClient;
  requestId: string;
  /** Aborted when the caller leaves or when this attempt is abandoned (a lost hedge). */
  signal: CancelSignal;
  firstTokenMs: number | undefined;
  /** Read the usage of answers (metering); off, the bytes are only relayed. */
  meter: boolean;
  /** Add provider prompt-cache hints (route `cache: auto`). */
  promptCache?: boolean;
  /** The request's estimated input tokens (the workload profile's). */
  inputTokens?: number;
  /** Every canonical part of the served stream, as it goes out (the response cache collects them). */
  observeParts?: ((part: StreamPart) => void) | undefined;
  /** How URL media are downloaded for providers with `inline_media`. */
  media?: InlineUrlOptions | undefined;
  /** A context policy changed what was sent (for the ledger). */
  onContextAction?: (note: string) => void;
  /** What the request has cost once this attempt's usage is added, micro-dollars (null: unknown price). */
  requestCost?: (usage: CanonicalUsage) => number | null;
  /** Called when the client's stream ends, with what its usage was (for logs, the ledger and sessions). */
  onStreamEnd(outcome: StreamOutcome, error: Error | undefined, usage: StreamUsage): void;
  onFirstByte(): void;
}

export async function runAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const { caller, candidate, provider, client } = input;
  const egress = PROVIDER_PROFILES[provider.kind].protocol;
  const passthrough = caller.passthroughTo(egress);
  const started = performance.now();
  const endpoint = providerEndpoint(provider, candidate.target.upstreamModel, caller.read.stream, caller.request.headers);
  endpoint.headers['x-request-id'] = input.requestId;
  // Translation errors are the caller's (a field the target cannot express): they propagate as thrown.
  const injectUsage = caller.needsInjectedUsage(egress, input.meter);
  const reshaped = fitContext(caller, candidate, input.inputTokens);
  if (reshaped !== undefined) input.onContextAction?.(reshaped.note);
  // Media URLs this provider cannot fetch are downloaded once per request; a bad URL is the caller's 400.
  const inlined = provider.inlineMedia && input.media !== undefined ? await caller.withInlineMedia(input.media, reshaped?.request) : undefined;
  const encoded = caller.bodyFor(egress, candidate.target.upstreamModel, {
    maxOutput: candidate.model?.maxOutput,
    askUsage: injectUsage,
    promptCache: input.promptCache ? promptCacheOptions(provider) : undefined,
    reshaped: inlined ?? reshaped?.request,
  });
  const body = passthrough ? relayedBody(provider, encoded.body) : encoded.body;
  const encodeContext = { requestId: input.requestId, model: candidate.target.upstreamModel, includeUsage: caller.read.includeUsage, jsonArrayStream: caller.read.jsonArrayStream };

  let upstream: UpstreamResponse;
  try {
    upstream = await input.client.send({ path: endpoint.path, headers: endpoint.headers, body, signal: input.signal });
  } catch (error) {
    return transportFailure(error, caller.protocol, input.requestId);
  }
  const headers = passthrough ? forwardableHeaders(upstream.headers) : translatedHeaders(upstream.headers, caller.read.stream, caller.read.jsonArrayStream);
  if (encoded.promptCache !== undefined) headers['x-switchyard-prompt-cache'] = encoded.promptCache.replace(/[^\x20-\x7e]/g, '~');
  if (reshaped !== undefined) headers['x-switchyard-context'] = reshaped.note.replace(/[^\x20-\x7e]/g, '~');

  if (upstream.status >= 400) {
    let errorBody: Buffer;
    try {
      errorBody = await readBody(upstream, client, ERROR_BODY_LIMIT);
    } catch (error) {
      return transportFailure(error, caller.protocol, input.requestId);
    }
    return { ok: false, failure: upstreamFailure(upstream, errorBody, egress, caller.protocol, passthrough, provider, input.requestId, headers) };
  }

  if (!caller.read.stream) {
    let responseBody: Buffer;
    try {
      responseBody = await readBody(upstream, client);
    } catch (error) {
      return transportFailure(error, caller.protocol, input.requestId);
    }
    let answer: CanonicalResponse | undefined;
    const translated = passthrough ? responseBody : translateResponse(caller.protocol, egress, responseBody, encodeContext, (decoded) => (answer = decoded));
    if (passthrough && (input.meter || input.observeParts !== undefined)) answer = decodeQuietly(egress, responseBody);
    const toolCalls = answer?.content.filter((part) => part.type === 'tool-call').length;
    return { ok: true, success: { response: { status: upstream.status, headers, body: translated }, answer, usage: answer?.usage, toolCalls, ttftMs: performance.now() - started, discard: () => undefined } };
  }

  let start;
  try {
    start = await awaitFirstContent(upstream.body as AsyncIterable<Uint8Array>, egress, input.firstTokenMs, () => upstream.body.destroy());
  } catch (error) {
    upstream.finish();
    upstream.body.destroy();
    if (error instanceof GatewayError && error.code === 'upstream_timeout') return { ok: false, failure: gatewayFailure(error, caller.protocol, input.requestId) };
    return transportFailure(error, caller.protocol, input.requestId);
  }
  if (!start.ok) {
    upstream.finish();
    upstream.body.destroy();
    const { error } = start;
    const failureClass = classifyStreamError(error);
    const renderable: RenderableError = { status: error.status, kind: error.kind as ErrorKind, message: error.message, ...(error.code !== undefined && { code: error.code }) };
    return {
      ok: false,
      failure: { failureClass, status: error.status, message: error.message, retryAfter: undefined, render: () => renderError(renderable, caller.protocol, input.requestId) },
    };
  }
  const ttftMs = performance.now() - started;
  const requestCost = caller.read.includeUsage ? input.requestCost : undefined;
  const costFor =
    requestCost === undefined
      ? undefined
      : (usage: Record<string, unknown>): string | undefined => {
          const micros = requestCost(decodeChatUsage(usage));
          return micros === null ? undefined : formatUsd(micros);
        };
  // An OpenAI Chat stream's usage chunk is adjusted for the caller (hidden, or given the cost); a
  // relayed one is also metered from its bytes. Every other stream is metered from its decoded parts.
  const chat = caller.protocol === 'openai-chat' && (injectUsage || costFor !== undefined || (passthrough && input.meter)) ? new ChatStreamUsage({ hideUsage: injectUsage, costFor }) : undefined;
  const meteredFromBytes = passthrough && chat !== undefined;
  const tally = new UsageTally();
  const usage: StreamUsage = meteredFromBytes ? chat : tally;
  const hooks = { onFirstChunk: input.onFirstByte, onEnd: (outcome: StreamOutcome, error?: Error) => input.onStreamEnd(outcome, error, usage) };
  const extra = input.observeParts;
  const withExtra: PartObserver = extra === undefined ? tally : { observe: (part) => (tally.observe(part), extra(part)) };
  let stream: AsyncIterable<Uint8Array>;
  if (passthrough) {
    // Chunks are decoded into parts only for a reader: the tally (unless metered from bytes) or the response cache.
    let parts: PartObserver | undefined;
    if (!meteredFromBytes && (input.meter || extra !== undefined)) parts = withExtra;
    else if (meteredFromBytes && extra !== undefined) parts = { observe: extra };
    const renderError = (error: Error, lastChunk: Uint8Array | undefined): Uint8Array => renderStreamError(caller.protocol, error, encodeContext, lastChunk);
    stream = relayStream(start.stream, upstream, client, input.signal, { ...hooks, renderError }, { parts, shaper: chat });
  } else {
    stream = translateStream(caller.protocol, start.stream, upstream, client, input.signal, encodeContext, hooks, withExtra);
    if (chat !== undefined) stream = shapeStream(stream, chat);
  }
  const discard = (): void => {
    upstream.finish();
    upstream.body.destroy();
  };
  return { ok: true, success: { response: { status: passthrough ? upstream.status : 200, headers, body: stream }, ttftMs, discard } };
}

/**
 * The conversation a sliding or truncating context policy makes of a request beyond the model's
 * reliable window; undefined when it fits, or the model has no such policy. A request the policy
 * cannot bring within the window goes as it is and the provider's context error escalates it.
 */
function fitContext(caller: CallerRequest, candidate: Candidate, inputTokens: number | undefined): { request: CanonicalRequest; note: string } | undefined {
  const model = candidate.model;
  const policy = model?.contextPolicy;
  if (model === undefined || policy === undefined || (policy.mode !== 'slide' && policy.mode !== 'truncate-middle')) return undefined;
  const window = model.contextWindow ?? model.reliableContext;
  if (window === undefined || inputTokens === undefined || inputTokens <= (model.reliableContext ?? window)) return undefined;
  let canonical: CanonicalRequest;
  try {
    canonical = caller.canonical();
  } catch {
    return undefined; // not expressible canonically: relayed as it is
  }
  const outcome = applyContextPolicy(canonical, { contextWindow: window, reliableContext: model.reliableContext, model: model.id }, policy, { inputTokens });
  if (outcome.action === 'none' || !outcome.withinContextWindow) return undefined;
  return { request: outcome.request, note: `${outcome.action}: ${outcome.detail}` };
}

/** Breakpoints for Anthropic; `prompt_cache_key` only where the provider is OpenAI's own API. */
function promptCacheOptions(provider: ProviderConfig): PromptCachingOptions {
  const profile: ProviderProfile = PROVIDER_PROFILES[provider.kind];
  return { promptCacheKey: profile.promptCacheKey === true };
}

/** A relayed answer read (never changed) for its usage; undefined when it cannot be read. */
function decodeQuietly(protocol: ProtocolName, body: Buffer): CanonicalResponse | undefined {
  try {
    return CODECS[protocol].decodeResponse(JSON.parse(body.toString('utf8')));
  } catch {
    return undefined;
  }
}

async function readBody(upstream: UpstreamResponse, client: UpstreamClient, limit?: number): Promise<Buffer> {
  try {
    return await readAll(upstream.body as AsyncIterable<Uint8Array>, limit);
  } catch (error) {
    throw client.classify(error);
  } finally {
    upstream.finish();
  }
}

function upstreamFailure(
  upstream: UpstreamResponse,
  errorBody: Buffer,
  egress: ProtocolName,
  ingress: ProtocolName,
  passthrough: boolean,
  provider: ProviderConfig,
  requestId: string,
  headers: Record<string, string>,
): AttemptFailure {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(upstream.headers)) flat[name] = Array.isArray(value) ? value[0] : value;
  const info = CODECS[egress].decodeError(upstream.status, errorBody.toString('utf8'), flat);
  const failureClass = classifyUpstreamError(info);
  const retryAfter = info.retryAfter ?? flat['retry-after'];
  return {
    failureClass,
    status: upstream.status,
    message: info.message,
    retryAfter,
    render: () => {
      if (failureClass === 'credentials') {
        // The provider rejected the gateway's own key: not the caller's fault, and the provider's
        // message can quote part of the key, so it is not passed on.
        const error = new GatewayError('upstream_credentials', `provider "${provider.name}" rejected the gateway's credentials (HTTP ${upstream.status}); check its API key.`);
        return renderGatewayError(error, ingress, requestId);
      }
      if (passthrough) return { status: upstream.status, headers, body: errorBody };
      return translateError(ingress, egress, upstream.status, errorBody, upstream.headers, requestId, headers);
    },
  };
}

function transportFailure(error: unknown, ingress: ProtocolName, requestId: string): AttemptOutcome {
  if (!(error instanceof GatewayError)) throw error;
  return { ok: false, failure: gatewayFailure(error, ingress, requestId) };
}

function gatewayFailure(error: GatewayError, ingress: ProtocolName, requestId: string): AttemptFailure {
  return {
    failureClass: classifyGatewayError(error),
    status: error.status,
    message: error.message,
    retryAfter: error.retryAfter,
    render: () => renderGatewayError(error, ingress, requestId),
  };
}

export function renderGatewayError(error: GatewayError, protocol: ProtocolName, requestId: string): GatewayResponse {
  return renderError(toRenderable(error), protocol, requestId);
}

function renderError(error: RenderableError, protocol: ProtocolName, requestId: string): GatewayResponse {
  const encoded = CODECS[protocol].encodeError(error, requestId);
  return { status: encoded.status, headers: { ...encoded.headers, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(encoded.body)) };
}

/** A translated answer has its own content type; the provider's rate-limit headers still help the caller. */
function translatedHeaders(upstream: Record<string, string | string[] | undefined>, stream: boolean, jsonArray: boolean): Record<string, string> {
  const headers = forwardableHeaders(upstream);
  headers['content-type'] = stream && !jsonArray ? 'text/event-stream' : 'application/json';
  if (stream) headers['cache-control'] = 'no-cache';
  return headers;
}
