import { createHash } from 'node:crypto';
import type { ProtocolName } from '../canonical/types.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The exact-match key of a request: the caller's parsed body with the fields that never change the
 * answer removed, canonical JSON, hashed with SHA-256 together with everything outside the body that
 * does change it (the protocol, the model the caller named, the deployment it is routed to).
 *
 * The raw body is keyed, not the canonical request: fields the canonical model ignores (Chat
 * `verbosity`, Gemini `safetySettings`) still reach a provider of the caller's own protocol and can
 * change its answer, so they must separate entries. Stream and non-stream requests share entries:
 * a hit is rendered either way.
 */

/** Bumped when the key material changes shape, so old entries are never read under new rules. */
const KEY_VERSION = 1;

/**
 * Top-level fields that never change the answer, per protocol:
 * - `model`: replaced by the scope (the name the caller used and the resolved deployment);
 * - `stream`, `stream_options`: how the answer is delivered, not what it is (a hit renders either way);
 * - `user`, `safety_identifier`, `metadata`, Vertex `labels`: who asked and bookkeeping tags;
 * - `store`: whether OpenAI keeps a copy;
 * - `service_tier`: price and latency class of the same model;
 * - `prompt_cache_key`, `prompt_cache_retention`: routing hints for the provider's own prompt cache.
 * Keys left out of a list are kept: an unknown field is assumed to matter.
 */
export const VOLATILE_FIELDS: Readonly<Record<ProtocolName, ReadonlySet<string>>> = {
  'openai-chat': new Set(['model', 'stream', 'stream_options', 'user', 'safety_identifier', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'prompt_cache_retention']),
  'openai-responses': new Set(['model', 'stream', 'stream_options', 'user', 'safety_identifier', 'metadata', 'store', 'service_tier', 'prompt_cache_key', 'prompt_cache_retention']),
  'anthropic-messages': new Set(['model', 'stream', 'metadata', 'service_tier']),
  gemini: new Set(['model', 'labels']),
};

/** What besides the body decides the answer. */
export interface CacheScope {
  /** The route alias or `provider/model` exactly as the caller named it. */
  requestedModel: string;
  /** The deployment the request is routed to (a `TargetRef` fits): different models never share entries. */
  target: { modelId: string; upstreamModel: string };
  /** Entries are shared only inside one partition (e.g. a team or virtual key); omitted = one shared space. */
  partition?: string;
  /**
   * Anything else outside the body that changes the answer: client headers forwarded to the provider
   * (`anthropic-beta`), a config revision that rewrites requests. Compared as given.
   */
  vary?: Readonly<Record<string, string>>;
}

/** The body as it is keyed: volatile fields and top-level nulls (OpenAI: null = not set) removed. */
export function normalizeBody(protocol: ProtocolName, body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const volatile = VOLATILE_FIELDS[protocol];
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!volatile.has(field) && value !== null && value !== undefined) kept[field] = value;
  }
  return kept;
}

/** The exact text that is hashed; exported so a key can be explained. */
export function cacheKeyMaterial(protocol: ProtocolName, body: Readonly<Record<string, unknown>>, scope: CacheScope): string {
  const envelope = canonicalJson({
    version: KEY_VERSION,
    protocol,
    requestedModel: scope.requestedModel,
    target: { modelId: scope.target.modelId, upstreamModel: scope.target.upstreamModel },
    partition: scope.partition ?? null,
    vary: scope.vary ?? {},
  });
  // The body on its own line: canonicalJson treats its fields as the top level (Responses `input`).
  return `${envelope}\n${canonicalJson(normalizeBody(protocol, body))}`;
}

/** The cache key of a request: 64 hex characters. */
export function cacheKeyFor(protocol: ProtocolName, body: Readonly<Record<string, unknown>>, scope: CacheScope): string {
  return createHash('sha256').update(cacheKeyMaterial(protocol, body, scope)).digest('hex');
}
