/**
 * Turns each upstream attempt into a ledger record with its exact cost. Every attempt is recorded,
 * failed, retried and cancelled ones included, so "what did this request cost" sums its attempts.
 */
import type { CanonicalUsage, ProtocolName } from '../canonical/types.js';
import type { LedgerErrorClass, LedgerRecord } from '../ledger/record.js';
import { ledgerTokensFromUsage } from '../ledger/record.js';
import type { PriceCatalog } from '../pricing/catalog.js';
import { priceUsage } from '../pricing/price-usage.js';
import type { ProviderKind } from '../providers/kinds.js';
import type { FailureClass } from '../routing/failure.js';
import { uuidV7 } from '../util/uuid-v7.js';

/** Where records go: the ledger writer (append never blocks the request). */
export interface LedgerSinkQueue {
  append(record: LedgerRecord): boolean;
}

export interface AttemptFacts {
  time: number;
  requestId: string;
  traceId: string | undefined;
  sessionId: string | undefined;
  taskType: string | undefined;
  /** The virtual key and its team, when the caller presented one. */
  keyId?: string | undefined;
  teamId?: string | undefined;
  route: string | undefined;
  rule: string | undefined;
  provider: { name: string; kind: ProviderKind };
  upstreamModel: string;
  deployment: string;
  attempt: number;
  status: number | undefined;
  failure: FailureClass | 'cancelled' | undefined;
  fallbackReason: string | undefined;
  usage: CanonicalUsage;
  usageEstimated: boolean;
  ttftMs: number | undefined;
  latencyMs: number;
  streamed: boolean;
  ingress: ProtocolName;
  /** What a context policy did to the request (slide, truncate-middle), if anything. */
  contextAction?: string | undefined;
  /** Served from the gateway's response cache: no provider was called, nothing is charged. */
  cacheHit?: boolean;
}

const ERROR_CLASSES: Record<FailureClass | 'cancelled', LedgerErrorClass> = {
  caller: 'client_error',
  context_length: 'client_error',
  credentials: 'credentials',
  rate_limited: 'rate_limited',
  overloaded: 'overloaded',
  server: 'upstream_5xx',
  bad_response: 'upstream_5xx',
  timeout: 'timeout',
  connection: 'connection',
  cancelled: 'cancelled',
};

export class Meter {
  constructor(private readonly sink: LedgerSinkQueue, private readonly prices: () => PriceCatalog) {}

  /** Integer micro-dollars, or null when the model has no known price. */
  cost(provider: AttemptFacts['provider'], upstreamModel: string, usage: CanonicalUsage): number | null {
    const price = this.prices().lookup({ kind: provider.kind, model: upstreamModel, provider: provider.name });
    return price === undefined ? null : priceUsage(price, usage).totalMicros;
  }

  /** Cost had nothing been read from or written to the prompt cache, minus the actual cost. */
  private cacheSavings(provider: AttemptFacts['provider'], upstreamModel: string, usage: CanonicalUsage, cost: number | null): number {
    if (cost === null || (usage.cachedInputTokens === 0 && usage.cacheWriteTokens === 0)) return 0;
    const uncached = this.cost(provider, upstreamModel, { ...usage, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 });
    return uncached === null ? 0 : uncached - cost;
  }

  /** Record one attempt; returns its cost (null when unknown). */
  record(facts: AttemptFacts): number | null {
    const { usage } = facts;
    const cost = facts.cacheHit === true ? 0 : this.cost(facts.provider, facts.upstreamModel, usage);
    this.sink.append({
      // Time-ordered: the ledger's primary key index grows at its right edge.
      id: uuidV7(),
      time: facts.time,
      request_id: facts.requestId,
      trace_id: facts.traceId ?? null,
      session_id: facts.sessionId ?? null,
      task_type: facts.taskType === undefined || facts.taskType === '' ? null : facts.taskType,
      key_id: facts.keyId ?? null,
      team_id: facts.teamId ?? null,
      route: facts.route ?? null,
      rule: facts.rule ?? null,
      provider: facts.provider.name,
      model: facts.upstreamModel,
      deployment: facts.deployment,
      attempt: facts.attempt,
      status: facts.status ?? null,
      error_class: facts.failure === undefined ? null : ERROR_CLASSES[facts.failure],
      fallback_reason: facts.fallbackReason ?? null,
      ...ledgerTokensFromUsage(usage),
      usage_estimated: facts.usageEstimated,
      cost_micros: cost,
      cache_savings_micros: facts.cacheHit === true ? 0 : this.cacheSavings(facts.provider, facts.upstreamModel, usage, cost),
      ttft_ms: facts.ttftMs === undefined ? null : Math.round(facts.ttftMs),
      latency_ms: Math.round(facts.latencyMs),
      streamed: facts.streamed,
      cache_hit: facts.cacheHit === true,
      ingress_protocol: facts.ingress,
      context_action: facts.contextAction ?? null,
    });
    return cost;
  }
}

/** Micro-dollars as the `x-switchyard-cost-usd` header writes them: dollars with six decimals. */
export function formatUsd(micros: number): string {
  return (micros / 1_000_000).toFixed(6);
}
