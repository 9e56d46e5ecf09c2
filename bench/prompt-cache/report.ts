/** bench/results/prompt-cache.{md,json}: the totals, where the saving comes from, every turn, the checks. */
import { resultFor, type Check, type RunResult } from './checks.js';
import { nanosPerToken, PRICE, turnCost, usd } from './costs.js';

export interface ReportInput {
  results: readonly RunResult[];
  checks: readonly Check[];
  /** The system prompt's length in tokens (o200k, as the emulator counts) and characters. */
  systemTokens: number;
  systemCharacters: number;
  tools: number;
  maxTokens: number;
  seconds: number;
}

export interface Saving {
  offNanos: number;
  autoNanos: number;
  savedNanos: number;
  savedPercent: number;
  hitRatio: number;
}

const integer = (value: number): string => value.toLocaleString('en-US');
const percent = (ratio: number, digits = 1): string => `${(ratio * 100).toFixed(digits)}%`;
const micros = (value: number | null): string => (value === null ? '–' : `$${(value / 1e6).toFixed(4)}`);

export function saving(results: readonly RunResult[], off: RunResult['variant']['id'], auto: RunResult['variant']['id']): Saving {
  const offNanos = resultFor(results, off).totals.inputNanos;
  const autoRun = resultFor(results, auto);
  const savedNanos = offNanos - autoRun.totals.inputNanos;
  return { offNanos, autoNanos: autoRun.totals.inputNanos, savedNanos, savedPercent: offNanos === 0 ? 0 : (savedNanos / offNanos) * 100, hitRatio: autoRun.totals.hitRatio };
}

function totalsTable(results: readonly RunResult[]): string {
  const offFor = (run: RunResult): number => resultFor(results, run.variant.client === 'openai' ? 'openai-off' : 'anthropic-off').totals.inputNanos;
  const rows = results.map((run) => {
    const { totals } = run;
    const off = offFor(run);
    const versus = run.variant.route === 'off' ? '–' : `${usd(off - totals.inputNanos)} (${percent((off - totals.inputNanos) / off)})`;
    return `| ${run.variant.label} | ${integer(totals.inputTokens)} | ${integer(totals.cacheReadTokens)} | ${integer(totals.cacheWriteTokens)} | ${integer(totals.uncachedInputTokens)} | **${usd(totals.inputNanos)}** | ${versus} | ${percent(totals.hitRatio)} | ${micros(totals.headerMicros)} |`;
  });
  return [
    '| run | input tokens | read from cache | written to cache | at full price | input cost | saved vs cache: off | cache hit ratio | sum of x-switchyard-cost-usd (input + output) |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows,
  ].join('\n');
}

function perTurnTable(results: readonly RunResult[]): string {
  const off = resultFor(results, 'anthropic-off');
  const auto = resultFor(results, 'anthropic-auto');
  const translated = resultFor(results, 'openai-auto');
  const rows = auto.turns.map((turn, index) => {
    const offTurn = off.turns[index]!;
    const translatedTurn = translated.turns[index]!;
    const offCost = turnCost(offTurn).inputNanos;
    const autoCost = turnCost(turn).inputNanos;
    return `| ${turn.turn} | ${integer(turn.inputTokens)} | ${usd(offCost, 5)} | ${integer(turn.cacheReadTokens)} | ${integer(turn.cacheWriteTokens)} | ${integer(turn.uncachedInputTokens)} | ${usd(autoCost, 5)} | ${usd(off.totals.cumulativeInputNanos[index]!, 4)} | ${usd(auto.totals.cumulativeInputNanos[index]!, 4)} | ${integer(translatedTurn.cacheReadTokens)} / ${integer(translatedTurn.cacheWriteTokens)}, ${usd(turnCost(translatedTurn).inputNanos, 5)} | ${turn.breakpointsSent.join(', ')} |`;
  });
  return [
    '| turn | input tokens | off: input cost | auto: read | auto: written | auto: full price | auto: input cost | cumulative, off | cumulative, auto | OpenAI SDK, auto: read / written, cost | breakpoints the gateway placed (auto) |',
    '| --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |',
    ...rows,
  ].join('\n');
}

/** The explanation, every figure taken from the runs. */
function whereItComesFrom(results: readonly RunResult[]): string {
  const off = resultFor(results, 'anthropic-off');
  const auto = resultFor(results, 'anthropic-auto');
  const first = auto.turns[0]!;
  const later = auto.turns.slice(1);
  const firstOff = turnCost(off.turns[0]!).inputNanos;
  const firstAuto = turnCost(first).inputNanos;
  const writes = later.map((turn) => turn.cacheWriteTokens);
  const averageWrite = writes.reduce((sum, value) => sum + value, 0) / Math.max(1, writes.length);
  const laterOff = off.turns.slice(1).reduce((sum, turn) => sum + turnCost(turn).inputNanos, 0) / Math.max(1, later.length);
  const laterAuto = later.reduce((sum, turn) => sum + turnCost(turn).inputNanos, 0) / Math.max(1, later.length);
  const breakEven = auto.totals.cumulativeInputNanos.findIndex((value, index) => value < off.totals.cumulativeInputNanos[index]!) + 1;
  const readNanos = auto.totals.cacheReadTokens * nanosPerToken(PRICE.cachedInput);
  const writeNanos = auto.totals.cacheWriteTokens * nanosPerToken(PRICE.cacheWrite);
  const fullNanos = auto.totals.uncachedInputTokens * nanosPerToken(PRICE.input);
  const uncachedPerTurn = [...new Set(auto.turns.map((turn) => turn.uncachedInputTokens))].join(' or ');
  return [
    `- **Without caching** every request pays the full input price ($${PRICE.input}/M) for the whole history: ${integer(off.turns[0]!.inputTokens)} tokens on turn 1, growing to ${integer(off.turns.at(-1)!.inputTokens)} on turn ${off.turns.length}, ${integer(off.totals.inputTokens)} tokens and ${usd(off.totals.inputNanos)} in all. The system prompt and the tools alone are re-sent ${off.turns.length} times.`,
    `- **Turn 1 costs more with caching**: the gateway marks the end of the system prompt and of the conversation, so the provider writes the whole prompt (${integer(first.cacheWriteTokens)} tokens) at the cache-write price ($${PRICE.cacheWrite}/M, 1.25×): ${usd(firstAuto, 5)} instead of ${usd(firstOff, 5)}.`,
    `- **Every later turn reads the previous one back.** The breakpoint at the end of the previous request (and the provider's 20-block lookback from the new tail) lets each request read everything the one before it sent, ${integer(later[0]?.cacheReadTokens ?? 0)} tokens on turn 2 growing to ${integer(later.at(-1)?.cacheReadTokens ?? 0)}, at $${PRICE.cachedInput}/M (0.1×), and write only the new round (a tool call, its result and a follow-up): ${integer(Math.min(...writes))}–${integer(Math.max(...writes))} tokens, ${integer(Math.round(averageWrite))} on average, at 1.25×. The ${uncachedPerTurn} tokens per request after the last breakpoint are paid in full. A later turn costs ${usd(laterAuto, 5)} of input on average instead of ${usd(laterOff, 5)}: ${(laterOff / laterAuto).toFixed(1)}× less.`,
    `- **The write premium is paid back at once**: the cumulative cost with caching is below the cost without from turn ${breakEven} on.`,
    `- **Where the cached run's ${usd(auto.totals.inputNanos)} goes**: cache reads ${usd(readNanos)} (${percent(readNanos / auto.totals.inputNanos, 0)}), cache writes ${usd(writeNanos)} (${percent(writeNanos / auto.totals.inputNanos, 0)}; ${usd(firstAuto, 4)} of it on turn 1), full-price input ${usd(fullNanos, 5)}. Reads are ${percent(auto.totals.hitRatio)} of all input tokens; were every token read, the bill would be a tenth of the uncached one (${usd(off.totals.inputNanos / 10)}). The writes, the first turn's above all, are the difference.`,
  ].join('\n');
}

function callerSection(results: readonly RunResult[], checks: readonly Check[]): string {
  const viaGateway = resultFor(results, 'caller-auto');
  const direct = resultFor(results, 'caller-direct');
  const auto = resultFor(results, 'anthropic-auto');
  const callerChecks = checks.filter((check) => check.name.startsWith("caller's breakpoints"));
  const marks = viaGateway.turns.at(-1)?.breakpointsSent.join(', ') ?? '';
  const difference = viaGateway.totals.inputNanos - auto.totals.inputNanos;
  const sameTurns = auto.turns.every((turn, index) => turnCost(turn).inputNanos === turnCost(viaGateway.turns[index]!).inputNanos);
  return [
    `The Anthropic SDK client marks its own cache the way Anthropic's documentation shows: \`cache_control\` on the system prompt and on the last block of each request (on the last turn: ${marks}).`,
    `The same turns go through the \`cache: auto\` route and straight to the provider, each against a fresh emulator.`,
    '',
    ...callerChecks.map((check) => `- ${check.passed ? 'Holds' : '**Does not hold**'}: ${check.name.replace("caller's breakpoints: ", '')}${check.passed ? '' : ` (${check.detail})`}.`),
    `- Input cost ${usd(viaGateway.totals.inputNanos)} through the gateway, ${usd(direct.totals.inputNanos)} straight to the provider; hit ratio ${percent(viaGateway.totals.hitRatio)} and ${percent(direct.totals.hitRatio)}.`,
    sameTurns
      ? `- The gateway's own placement on the unmarked session costs the same, ${usd(auto.totals.inputNanos)}, turn by turn: its third breakpoint (the end of the previous request) is redundant here, because each round adds only 4 blocks, well inside the provider's 20-block lookback from the tail.`
      : `- The gateway's own placement on the unmarked session: ${usd(auto.totals.inputNanos)}, ${usd(Math.abs(difference), 5)} ${difference >= 0 ? 'less' : 'more'} than the caller's.`,
  ].join('\n');
}

export function buildReport(input: ReportInput): { markdown: string; json: unknown; summary: string } {
  const { results, checks } = input;
  const native = saving(results, 'anthropic-off', 'anthropic-auto');
  const translated = saving(results, 'openai-off', 'openai-auto');
  const turns = resultFor(results, 'anthropic-auto').turns.length;
  const failed = checks.filter((check) => !check.passed);
  const savingLine = (label: string, figures: Saving): string =>
    `${label}: input ${usd(figures.offNanos)} with \`cache: off\`, ${usd(figures.autoNanos)} with \`cache: auto\`: **${usd(figures.savedNanos)} saved (${figures.savedPercent.toFixed(1)}%)**, cache hit ratio ${percent(figures.hitRatio)}.`;
  const markdown = `# Automatic prompt caching on a long coding-agent session

Run ${new Date().toISOString()}, Node ${process.version}, ${input.seconds.toFixed(1)} s. \`npm run bench:prompt-cache\`; the code is in \`bench/prompt-cache/\`.

One coding-agent session is replayed through the gateway to \`claude-sonnet-4-6\` on the provider emulator, whose Anthropic prompt cache follows Anthropic's rules
(explicit \`cache_control\` breakpoints only, 5-minute entries, a 20-block lookback). The session: a system prompt of ${integer(input.systemTokens)} tokens
(${integer(input.systemCharacters)} characters of agent instructions), ${input.tools} tool definitions, and ${turns} requests: the task, then ${turns - 1} rounds that each add
an assistant tool call, the tool's result (a source file, test run, search or diff, a few hundred tokens) and a follow-up from the developer. Every request re-sends the
whole history, as agent loops do. Price: $${PRICE.input}/M input, $${PRICE.cachedInput}/M cache reads, $${PRICE.cacheWrite}/M cache writes, $${PRICE.output}/M output.
Input cost is computed from the usage each client saw; the cost header also includes output (at most ${input.maxTokens} tokens a turn).

${savingLine('**Anthropic SDK**', native)}

${savingLine('**OpenAI SDK, Chat Completions translated to the same Claude route**', translated)}

${totalsTable(results)}

![cumulative input cost per turn, cache off against auto](prompt-cache.svg)

## Where the saving comes from

${whereItComesFrom(results)}

## A caller's own breakpoints are left alone

${callerSection(results, checks)}

## Per turn (Anthropic SDK; the OpenAI SDK run in the last-but-one column)

${perTurnTable(results)}

## Checks

${checks.map((check) => `- ${check.passed ? 'PASS' : '**FAIL**'} ${check.name}${check.passed ? '' : `: ${check.detail}`}`).join('\n')}

## Notes

- The emulator counts tokens with o200k; Claude's tokenizer makes more tokens of the same text, so real bills are higher in dollars. The ratios (what is read, what is written) follow from the breakpoints and hold.
- The assistant turns are scripted (a replay): the emulator's answers only contribute their usage. Requests are not streamed, because the \`x-switchyard-cost-usd\` header comes with complete responses.
- Each run starts its own emulator, so no run reads another's cache. The emulator runs with \`timeScale: 0\`, so turns follow each other in milliseconds; a session that pauses longer than 5 minutes between turns would write its prefix again.
`;
  const json = {
    generatedAt: new Date().toISOString(),
    node: process.version,
    seconds: Math.round(input.seconds * 10) / 10,
    price: PRICE,
    session: { turns, systemPromptTokens: input.systemTokens, systemPromptCharacters: input.systemCharacters, tools: input.tools, maxOutputTokens: input.maxTokens },
    saving: { anthropicSdk: savingJson(native), openAiSdk: savingJson(translated) },
    runs: results.map((run) => ({
      ...run.variant,
      seconds: run.seconds,
      totals: { ...run.totals, inputUsd: run.totals.inputNanos / 1e9, outputUsd: run.totals.outputNanos / 1e9, headerUsd: run.totals.headerMicros === null ? null : run.totals.headerMicros / 1e6 },
      ledger: run.ledger,
      turns: run.turns.map((turn) => ({ ...turn, inputCostNanos: turnCost(turn).inputNanos })),
    })),
    checks,
  };
  const summary = [
    `Anthropic SDK: input ${usd(native.offNanos)} off → ${usd(native.autoNanos)} auto, saved ${usd(native.savedNanos)} (${native.savedPercent.toFixed(1)}%), hit ratio ${percent(native.hitRatio)}`,
    `OpenAI SDK → Claude: input ${usd(translated.offNanos)} off → ${usd(translated.autoNanos)} auto, saved ${usd(translated.savedNanos)} (${translated.savedPercent.toFixed(1)}%), hit ratio ${percent(translated.hitRatio)}`,
    `checks: ${checks.length - failed.length}/${checks.length} passed${failed.length === 0 ? '' : `; failed: ${failed.map((check) => check.name).join('; ')}`}`,
  ].join('\n');
  return { markdown, json, summary };
}

function savingJson(figures: Saving): Record<string, number> {
  return {
    offInputUsd: figures.offNanos / 1e9,
    autoInputUsd: figures.autoNanos / 1e9,
    savedUsd: figures.savedNanos / 1e9,
    savedPercent: Math.round(figures.savedPercent * 100) / 100,
    hitRatio: Math.round(figures.hitRatio * 10_000) / 10_000,
  };
}
