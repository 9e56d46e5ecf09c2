/**
 * The contract a provider wire format implements to be served by the emulator. A protocol module
 * decodes its request body into the core's `EmulatorPrompt` and renders a `Generation` (and
 * errors) in its own shapes; the shared completion handler (serve-completion.ts) does the rest:
 * auth check order, model lookup, faults, limits, the prefix cache, pacing and backpressure.
 * Adding Anthropic Messages, OpenAI Responses or Gemini means one module implementing this plus
 * its routes.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CatalogModel } from '../catalog.js';
import type { EmulatorError } from '../errors.js';
import type { PromptTokenLayout } from '../generate/prompt-tokens.js';
import type { HttpReply } from '../http.js';
import type { PrefixCache } from '../prefix-cache.js';
import type { SeededRandom } from '../random.js';
import type { EmulatorRuntime, Exchange } from '../runtime.js';
import type { EmulatorPrompt, Generation } from '../types.js';

export interface DecodedRequest<Options> {
  prompt: EmulatorPrompt;
  streaming: boolean;
  /** Rendering choices only this protocol has (e.g. OpenAI's `stream_options.include_usage`). */
  options: Options;
}

/** Values some protocols carry outside the body, e.g. the model in an Azure or Gemini URL. */
export interface RouteValues {
  model?: string;
}

export interface RenderContext {
  /** Random source for ids and padding, seeded per request. */
  random: SeededRandom;
  /** Unix seconds. */
  created: number;
  model: CatalogModel;
  generation: Generation;
}

/** One piece of a response stream, already framed for the wire. */
export interface StreamFrame {
  text: string;
  /** Output tokens it carries, for pacing; 0 for framing events. */
  tokens: number;
  /** Counts toward `drop_after` / `error_after` (text, refusal or argument deltas). */
  content: boolean;
}

/** What one request's prompt did with the provider's prompt cache. */
export interface PromptCacheUsage {
  /** Prompt tokens read from the cache. */
  cachedInputTokens: number;
  /** Prompt tokens this request wrote to the cache (explicit caches only). */
  cacheWriteTokens: number;
  /** The part of `cacheWriteTokens` written with a 1-hour lifetime. */
  cacheWrite1hTokens: number;
}

export interface CompletionProtocol<Options> {
  /** For logs. */
  readonly name: string;
  /** Whether the request carries credentials the way this provider expects them. */
  hasCredentials(headers: IncomingHttpHeaders): boolean;
  decode(body: unknown, route: RouteValues): DecodedRequest<Options> | EmulatorError;
  /** Provider rules that depend on the model (e.g. reasoning parameters on a model without reasoning). */
  checkModel?(decoded: DecodedRequest<Options>, model: CatalogModel): EmulatorError | undefined;
  /**
   * The provider's own prompt caching (Anthropic: explicit `cache_control` breakpoints). Absent: the
   * automatic prefix cache, as OpenAI (and Gemini's implicit caching) do it.
   */
  promptCache?(decoded: DecodedRequest<Options>, model: CatalogModel, layout: PromptTokenLayout, cache: PrefixCache): PromptCacheUsage;
  renderError(error: EmulatorError): HttpReply;
  /** Headers on every successful reply (request ids, processing time). */
  successHeaders(context: RenderContext): Record<string, string>;
  renderResponse(context: RenderContext, options: Options): unknown;
  streamContentType: string;
  renderStream(context: RenderContext, options: Options): Iterable<StreamFrame>;
  /** The in-stream error event, for protocols that have one; undefined means drop the connection. */
  renderStreamError(error: EmulatorError, context: RenderContext, options: Options): string | undefined;
}

export interface EmulatorRoute {
  method: 'GET' | 'POST' | 'DELETE';
  /** Matched against the path; named groups become parameters. */
  pattern: RegExp;
  handle(exchange: Exchange, parameters: Record<string, string>, runtime: EmulatorRuntime): Promise<void>;
}

/** A provider's set of routes plus how to say "no such path" in its dialect. */
export interface ProtocolModule {
  /** Path prefix all its routes share, e.g. `/openai/`. */
  prefix: string;
  routes: EmulatorRoute[];
  renderError(error: EmulatorError): HttpReply;
  /** Exercise decoding once at start, so the first real request is not slowed by schema compilation. */
  warmUp?(runtime: EmulatorRuntime): void;
}
