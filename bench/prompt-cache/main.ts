/**
 * `npm run bench:prompt-cache`: what automatic prompt caching saves on a long coding-agent session.
 * Replays the same session (a ~20,000-token system prompt, 8 tools, 25 requests that each add a
 * tool call, its result and a follow-up) through the gateway to a Claude model served by the
 * provider emulator, whose Anthropic prompt cache follows Anthropic's rules. Runs, each against a
 * fresh emulator so no run reads another's cache:
 *  - Anthropic SDK, route `cache: off` and `cache: auto`;
 *  - OpenAI SDK (Chat Completions, translated to Claude), `cache: off` and `cache: auto`;
 *  - Anthropic SDK placing its own breakpoints, through the `cache: auto` route and straight to the
 *    provider, to show the gateway leaves a caller's breakpoints alone.
 * Writes bench/results/prompt-cache.{md,json,svg}; progress on stderr, one line per turn.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens } from '../../src/emulator/tokens.js';
import { repoRoot } from '../lib/children.js';
import { runAnthropicSession } from './anthropic-client.js';
import { totals, turnCost, usd, type TurnRecord } from './costs.js';
import { runOpenAiSession } from './openai-client.js';
import { checksFor, type RunResult, type Variant } from './checks.js';
import { buildReport } from './report.js';
import { buildSession, type Session } from './session.js';
import { ROUTES, startStack, UPSTREAM_MODEL, type Stack } from './stack.js';
import { cumulativeCostSvg } from './svg.js';

const SYSTEM_TOKENS = 20_000;
const ROUNDS = 24;
const TURNS = ROUNDS + 1;
const MAX_TOKENS = 256;

const VARIANTS: Variant[] = [
  { id: 'anthropic-off', label: 'Anthropic SDK, cache: off', client: 'anthropic', route: 'off', callerBreakpoints: false },
  { id: 'anthropic-auto', label: 'Anthropic SDK, cache: auto', client: 'anthropic', route: 'auto', callerBreakpoints: false },
  { id: 'openai-off', label: 'OpenAI SDK → Claude, cache: off', client: 'openai', route: 'off', callerBreakpoints: false },
  { id: 'openai-auto', label: 'OpenAI SDK → Claude, cache: auto', client: 'openai', route: 'auto', callerBreakpoints: false },
  { id: 'caller-auto', label: "caller's own breakpoints, through the gateway (cache: auto)", client: 'anthropic', route: 'auto', callerBreakpoints: true },
  { id: 'caller-direct', label: "caller's own breakpoints, straight to the provider", client: 'anthropic', route: 'provider', callerBreakpoints: true },
];

const log = (line: string): void => {
  process.stderr.write(`[bench:prompt-cache] ${line}\n`);
};

/** The model the client names: the route, or the provider's model when it bypasses the gateway. */
function modelFor(variant: Variant): string {
  return variant.route === 'provider' ? UPSTREAM_MODEL : ROUTES[variant.route];
}

function drive(variant: Variant, session: Session, stack: Stack, observe: (record: TurnRecord) => void): Promise<TurnRecord[]> {
  const model = modelFor(variant);
  if (variant.client === 'openai') return runOpenAiSession(session, TURNS, { baseURL: stack.gatewayUrl, model, maxTokens: MAX_TOKENS }, observe, stack.lastBreakpoints);
  const baseURL = variant.route === 'provider' ? stack.providerUrl : stack.gatewayUrl;
  return runAnthropicSession(session, TURNS, { baseURL, model, callerBreakpoints: variant.callerBreakpoints, maxTokens: MAX_TOKENS }, observe, stack.lastBreakpoints);
}

async function run(variant: Variant, session: Session): Promise<RunResult> {
  const stack = await startStack();
  const started = performance.now();
  const observe = (record: TurnRecord): void => {
    const cost = turnCost(record);
    log(
      `${variant.id} turn ${record.turn}/${TURNS}: input ${record.inputTokens} (read ${record.cacheReadTokens}, written ${record.cacheWriteTokens}, uncached ${record.uncachedInputTokens}) input cost ${usd(cost.inputNanos, 5)}, header $${record.headerCostMicros === null ? '–' : (record.headerCostMicros / 1e6).toFixed(6)}, ${record.milliseconds} ms`,
    );
  };
  let turns: TurnRecord[];
  try {
    turns = await drive(variant, session, stack, observe);
  } catch (error) {
    await stack.close().catch(() => undefined);
    throw error;
  }
  const ledger = await stack.close();
  const seconds = (performance.now() - started) / 1_000;
  const summary = totals(turns);
  log(`${variant.id}: ${TURNS} turns in ${seconds.toFixed(1)} s; input ${usd(summary.inputNanos)}, hit ratio ${(summary.hitRatio * 100).toFixed(1)}%`);
  return { variant, turns, totals: summary, ledger: variant.route === 'provider' ? null : ledger, seconds: Math.round(seconds * 10) / 10 };
}

async function main(): Promise<void> {
  const started = performance.now();
  const session = buildSession({ rounds: ROUNDS, systemTokens: SYSTEM_TOKENS });
  log(`session: ${TURNS} requests, system prompt ${session.system.length.toLocaleString('en-US')} characters, ${session.tools.length} tools`);
  const results: RunResult[] = [];
  for (const variant of VARIANTS) results.push(await run(variant, session));
  const checks = checksFor(results);
  const report = buildReport({
    results,
    checks,
    systemTokens: countTokens(session.system),
    systemCharacters: session.system.length,
    tools: session.tools.length,
    maxTokens: MAX_TOKENS,
    seconds: (performance.now() - started) / 1_000,
  });
  const directory = join(repoRoot(), 'bench', 'results');
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'prompt-cache.md'), report.markdown);
  writeFileSync(join(directory, 'prompt-cache.json'), `${JSON.stringify(report.json, null, 2)}\n`);
  writeFileSync(join(directory, 'prompt-cache.svg'), cumulativeCostSvg(results));
  process.stdout.write(`${report.summary}\n`);
  log('wrote bench/results/prompt-cache.{md,json,svg}');
  const failed = checks.filter((check) => !check.passed);
  if (failed.length > 0) {
    log(`FAILED checks: ${failed.map((check) => check.name).join('; ')}`);
    process.exitCode = 1;
  }
}

await main();
