/**
 * What each turn cost, from the usage the client saw. Money is integer nano-dollars (1e-9 USD):
 * every rate of the benchmark's price is a whole number of nano-dollars per token, so sums are exact.
 */

/** The route's model price, USD per million tokens (as in the gateway config). */
export const PRICE = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } as const;

/** USD per million tokens → nano-dollars per token. */
export const nanosPerToken = (usdPerMillion: number): number => Math.round(usdPerMillion * 1_000);

/** One request of the session, as the client saw it. */
export interface TurnRecord {
  /** 1-based. */
  turn: number;
  /** Input billed at the full rate (Anthropic's `input_tokens`; Chat: prompt − cached − written). */
  uncachedInputTokens: number;
  /** `cache_creation_input_tokens` (Chat: `prompt_tokens_details.cache_write_tokens`). */
  cacheWriteTokens: number;
  /** `cache_read_input_tokens` (Chat: `prompt_tokens_details.cached_tokens`). */
  cacheReadTokens: number;
  /** All input: the three above. */
  inputTokens: number;
  outputTokens: number;
  /** The `x-switchyard-cost-usd` header in micro-dollars; null without one (straight to the provider). */
  headerCostMicros: number | null;
  /** What the gateway said it did to the body (`x-switchyard-prompt-cache`), if anything. */
  promptCacheNote: string | null;
  /** The cache_control breakpoints the provider received, as paths (`system[0]`, `messages[3].content[1]`). */
  breakpointsSent: string[];
  milliseconds: number;
}

export interface TurnCost {
  inputNanos: number;
  outputNanos: number;
}

export function turnCost(turn: TurnRecord): TurnCost {
  const inputNanos = turn.uncachedInputTokens * nanosPerToken(PRICE.input) + turn.cacheReadTokens * nanosPerToken(PRICE.cachedInput) + turn.cacheWriteTokens * nanosPerToken(PRICE.cacheWrite);
  return { inputNanos, outputNanos: turn.outputTokens * nanosPerToken(PRICE.output) };
}

export interface RunTotals {
  inputTokens: number;
  uncachedInputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  inputNanos: number;
  outputNanos: number;
  /** Sum of the cost headers; null when any turn had none. */
  headerMicros: number | null;
  /** Cache reads / all input. */
  hitRatio: number;
  /** Input cost after each turn, for the plot. */
  cumulativeInputNanos: number[];
  /** Turns whose header differs from input + output cost at the price by more than rounding (1 µ$). */
  headerMismatches: number[];
}

export function totals(turns: readonly TurnRecord[]): RunTotals {
  let running = 0;
  const cumulativeInputNanos: number[] = [];
  const headerMismatches: number[] = [];
  let headerMicros: number | null = 0;
  const sum = (pick: (turn: TurnRecord) => number): number => turns.reduce((total, turn) => total + pick(turn), 0);
  for (const turn of turns) {
    const cost = turnCost(turn);
    running += cost.inputNanos;
    cumulativeInputNanos.push(running);
    if (turn.headerCostMicros === null || headerMicros === null) headerMicros = null;
    else {
      headerMicros += turn.headerCostMicros;
      if (Math.abs(turn.headerCostMicros * 1_000 - (cost.inputNanos + cost.outputNanos)) > 1_000) headerMismatches.push(turn.turn);
    }
  }
  const inputTokens = sum((turn) => turn.inputTokens);
  const cacheReadTokens = sum((turn) => turn.cacheReadTokens);
  return {
    inputTokens,
    uncachedInputTokens: sum((turn) => turn.uncachedInputTokens),
    cacheReadTokens,
    cacheWriteTokens: sum((turn) => turn.cacheWriteTokens),
    outputTokens: sum((turn) => turn.outputTokens),
    inputNanos: running,
    outputNanos: sum((turn) => turnCost(turn).outputNanos),
    headerMicros,
    hitRatio: inputTokens === 0 ? 0 : cacheReadTokens / inputTokens,
    cumulativeInputNanos,
    headerMismatches,
  };
}

/** `$0.123456` from nano-dollars. */
export function usd(nanos: number, digits = 4): string {
  return `$${(nanos / 1e9).toFixed(digits)}`;
}

/** The header's `0.012345` as integer micro-dollars. */
export function parseUsdHeader(value: string | null): number | null {
  if (value === null || !/^\d+\.\d{6}$/.test(value)) return null;
  return Number(value.replace('.', ''));
}
