/**
 * The exact-match response cache on the request path, for routes that opt in (`response_cache`):
 * look the request up before any provider is called; on a hit, answer from the cache in the
 * caller's protocol (streams replayed as streams), recorded on the ledger at cost 0; on a miss,
 * store the served answer once it is complete. Entries are partitioned by team (or key), so one
 * tenant's answers are never served to another.
 */
import type { CanonicalResponse, StreamPart } from '../canonical/types.js';
import type { AuthenticatedKey } from '../keys/index.js';
import { cacheDirective, cacheKeyFor, cacheRefusal, ResponseCollector, renderHit, type CacheDirective, type ResponseCache } from '../response-cache/index.js';
import type { Candidate, RoutePlan } from '../routing/plan.js';
import type { CallerRequest } from './attempt.js';
import type { GatewayResponse } from './http-types.js';

export type CacheState = 'hit' | 'miss' | 'bypass';

export interface CacheLookup {
  state: CacheState;
  /** The cached answer to send (state `hit`), with the deployment that first made it. */
  hit: { response: GatewayResponse; servedBy: string; answer: CanonicalResponse } | undefined;
  /** For a miss: watches the served stream's parts. */
  observe: ((part: StreamPart) => void) | undefined;
  /** For a miss: store what was served (a finished answer, or a stream that completed). */
  store(served: Candidate | undefined, answer: CanonicalResponse | undefined): void;
}

const BYPASS: CacheLookup = { state: 'bypass', hit: undefined, observe: undefined, store: () => undefined };

export async function lookupResponseCache(
  cache: ResponseCache | undefined,
  caller: CallerRequest,
  plan: RoutePlan,
  routeTtlMs: { ttlMs: number | undefined } | undefined,
  requestId: string,
  auth: AuthenticatedKey | undefined,
): Promise<CacheLookup> {
  if (cache === undefined || routeTtlMs === undefined) return BYPASS;
  const directive: CacheDirective = cacheDirective(caller.request.headers);
  if (!directive.read && !directive.write) return BYPASS;
  let canonical;
  try {
    canonical = caller.canonical();
  } catch {
    canonical = undefined;
  }
  if (cacheRefusal(caller.protocol, caller.json, canonical) !== undefined) return BYPASS;
  const first = plan.candidates.find((candidate) => candidate.skip === undefined);
  if (first === undefined) return BYPASS;
  const partition = auth === undefined ? undefined : auth.team !== null ? `team:${auth.team.id}` : `key:${auth.key.id}`;
  const keyFor = (candidate: Candidate): string => cacheKeyFor(caller.protocol, caller.json, { requestedModel: caller.model, target: candidate.target, ...(partition !== undefined && { partition }) });

  const entry = await cache.lookup(keyFor(first), directive);
  if (entry !== undefined) {
    const rendered = renderHit(entry, caller.protocol, { stream: caller.read.stream, requestId, includeUsage: caller.read.includeUsage, jsonArrayStream: caller.read.jsonArrayStream });
    return { state: 'hit', hit: { response: { status: rendered.status, headers: rendered.headers, body: rendered.body }, servedBy: rendered.servedBy, answer: entry.response }, observe: undefined, store: () => undefined };
  }
  if (!directive.write) return { ...BYPASS, state: directive.read ? 'miss' : 'bypass' };
  const collector = caller.read.stream ? new ResponseCollector() : undefined;
  return {
    // `no-cache`: not read, but the fresh answer still refreshes the entry.
    state: directive.read ? 'miss' : 'bypass',
    hit: undefined,
    observe: collector === undefined ? undefined : (part) => collector.observe(part),
    store(served, answer) {
      const response = answer ?? collector?.result();
      if (served === undefined || response === undefined) return;
      void cache.save(keyFor(served), response, served.target.modelId, directive, { ttlMs: routeTtlMs.ttlMs, ...(canonical !== undefined && { request: canonical }) });
    },
  };
}
