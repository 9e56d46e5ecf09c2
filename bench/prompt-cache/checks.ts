/**
 * What must hold for the numbers to mean anything; a failed check fails the run (exit code 1).
 */
import type { RunTotals, TurnRecord } from './costs.js';
import type { LedgerTotals } from './stack.js';

export interface Variant {
  id: 'anthropic-off' | 'anthropic-auto' | 'openai-off' | 'openai-auto' | 'caller-auto' | 'caller-direct';
  label: string;
  client: 'anthropic' | 'openai';
  /** A gateway route's `cache` setting, or `provider`: straight to the provider, no gateway. */
  route: 'auto' | 'off' | 'provider';
  /** The client places its own `cache_control` breakpoints. */
  callerBreakpoints: boolean;
}

export interface RunResult {
  variant: Variant;
  turns: TurnRecord[];
  totals: RunTotals;
  /** What the gateway's ledger recorded; null when the run bypassed the gateway. */
  ledger: LedgerTotals | null;
  seconds: number;
}

export interface Check {
  name: string;
  passed: boolean;
  detail: string;
}

export function resultFor(results: readonly RunResult[], id: Variant['id']): RunResult {
  const result = results.find((candidate) => candidate.variant.id === id);
  if (result === undefined) throw new Error(`no run ${id}`);
  return result;
}

const cacheCounts = (turn: TurnRecord): string => `${turn.inputTokens}/${turn.cacheReadTokens}/${turn.cacheWriteTokens}/${turn.uncachedInputTokens}`;

/** Turns where two runs differ, by a per-turn key. */
function differingTurns(first: RunResult, second: RunResult, key: (turn: TurnRecord) => string): number[] {
  return first.turns.filter((turn, index) => second.turns[index] === undefined || key(turn) !== key(second.turns[index]!)).map((turn) => turn.turn);
}

const listed = (turns: number[]): string => (turns.length === 0 ? 'none' : `turns ${turns.join(', ')}`);

export function checksFor(results: readonly RunResult[]): Check[] {
  const checks: Check[] = [];
  for (const id of ['anthropic-off', 'openai-off'] as const) {
    const run = resultFor(results, id);
    const marked = run.turns.filter((turn) => turn.breakpointsSent.length > 0 || turn.cacheReadTokens + turn.cacheWriteTokens > 0).map((turn) => turn.turn);
    checks.push({ name: `${id}: the provider got no breakpoint and cached nothing`, passed: marked.length === 0, detail: `breakpoints or cache counts on ${listed(marked)}` });
  }
  for (const [off, auto] of [['anthropic-off', 'anthropic-auto'], ['openai-off', 'openai-auto']] as const) {
    const differing = differingTurns(resultFor(results, off), resultFor(results, auto), (turn) => String(turn.inputTokens));
    checks.push({ name: `${off} and ${auto} send the same prompt`, passed: differing.length === 0, detail: `input tokens differ on ${listed(differing)}` });
  }
  for (const id of ['anthropic-auto', 'openai-auto'] as const) {
    const { turns } = resultFor(results, id);
    // The previous request's whole prompt, up to its last breakpoint, is what this one must read back.
    const missed = turns.slice(1).filter((turn, index) => turn.cacheReadTokens < turns[index]!.inputTokens - turns[index]!.uncachedInputTokens).map((turn) => turn.turn);
    checks.push({ name: `${id}: every turn after the first reads back the whole prompt of the turn before`, passed: missed.length === 0, detail: `read less on ${listed(missed)}` });
  }
  const viaGateway = resultFor(results, 'caller-auto');
  const direct = resultFor(results, 'caller-direct');
  const usageDiffers = differingTurns(viaGateway, direct, cacheCounts);
  checks.push({ name: "caller's breakpoints: the same usage, turn by turn, through the gateway as straight to the provider", passed: usageDiffers.length === 0, detail: `usage differs on ${listed(usageDiffers)}` });
  const marksDiffer = differingTurns(viaGateway, direct, (turn) => turn.breakpointsSent.join(' '));
  checks.push({ name: "caller's breakpoints: the provider received exactly the breakpoints the caller sent", passed: marksDiffer.length === 0, detail: `breakpoints differ on ${listed(marksDiffer)}` });
  const noted = viaGateway.turns.filter((turn) => turn.promptCacheNote !== null).map((turn) => turn.turn);
  checks.push({ name: "caller's breakpoints: the gateway added none (no x-switchyard-prompt-cache header)", passed: noted.length === 0, detail: `header present on ${listed(noted)}` });
  for (const run of results) {
    if (run.ledger === null) continue;
    const { totals, ledger, variant } = run;
    checks.push({ name: `${variant.id}: every cost header is the usage at the route's price (±1 µ$)`, passed: totals.headerMicros !== null && totals.headerMismatches.length === 0, detail: `mismatch on ${listed(totals.headerMismatches)}` });
    const ratioAgrees = ledger.cacheHitRatio !== null && Math.abs(ledger.cacheHitRatio - totals.hitRatio) < 1e-9;
    checks.push({
      name: `${variant.id}: the ledger agrees (requests, cost, cache hit ratio)`,
      passed: ledger.requests === run.turns.length && ledger.costMicros === totals.headerMicros && (ratioAgrees || (totals.hitRatio === 0 && (ledger.cacheHitRatio ?? 0) === 0)),
      detail: `ledger ${ledger.requests} requests, ${ledger.costMicros} µ$, hit ratio ${ledger.cacheHitRatio}; client ${run.turns.length}, ${totals.headerMicros} µ$, ${totals.hitRatio}`,
    });
  }
  return checks;
}
