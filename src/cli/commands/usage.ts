import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfigFile } from '../../config/load.js';
import { parseTime } from '../../gateway/usage-endpoint.js';
import {
  LEDGER_GROUPINGS,
  openLedgerStore,
  parseLedgerLocation,
  toCsv,
  type EfficiencySummary,
  type LedgerFilter,
  type LedgerGrouping,
  type LedgerStore,
  type UsageGroup,
} from '../../ledger/index.js';
import { parseCommandArgs, StartupError, UsageError, type Command } from '../args.js';
import { DEFAULT_DB } from './keys.js';

export const USAGE_HELP = `Usage: switchyard usage [--since 7d] [--until TIME] [--by GROUP] [filters]
                       [--db URL | --config FILE] [--format table|json|csv]

Reports what the usage ledger holds: requests, attempts, tokens, cost, prompt-cache hits, errors,
fallbacks and latency per group, a TOTAL line (each request counted once), token efficiency and
model switch frequency. It reads the ledger's database directly; the gateway need not run.

Options:
  --since TIME      start, inclusive: a duration back from now (7d, 24h, 30m, 45s), an ISO time
                    or ms since the epoch (0: from the first record); default 7d
  --until TIME      end, exclusive, in the same forms; default none (up to now)
  --by GROUP        model (default), route, task, key, team, session, provider, day, hour
                    (UTC buckets) or none (the TOTAL line only)
  --format FORMAT   table (default), json, or csv (one row per group, every field)
  --db URL          SQLite path, sqlite:PATH or postgres://…; default: ledger.url from --config,
                    else ${DEFAULT_DB}
  --config FILE     the gateway config whose ledger.url to read (--db wins over it)

Filters (exact values, all must match):
  --key ID  --team ID  --route NAME  --model NAME  --task TYPE  --session ID  --provider NAME  --trace ID

Percentages: CACHE HIT is cached input tokens / input tokens, ERRORS failed attempts / attempts,
FALLBACKS requests needing more than one attempt / requests. P50/P95 are nearest-rank latencies of
successful attempts. Exit codes: 0 done, 1 failed (no ledger at that path, database unreachable,
invalid config), 2 misuse.`;

export interface UsageCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Wall clock, ms since the epoch, for --since 7d; tests pass their own. */
  now?: () => number;
}

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

/** Filter flags and the ledger fields they match. */
const FILTER_FLAGS = { key: 'key_id', team: 'team_id', route: 'route', model: 'model', task: 'task_type', session: 'session_id', provider: 'provider', trace: 'trace_id' } as const;

const OPTIONS = {
  since: {},
  until: {},
  by: {},
  format: {},
  db: {},
  config: { short: 'c' },
  ...Object.fromEntries(Object.keys(FILTER_FLAGS).map((flag) => [flag, {}])),
} as Record<'since' | 'until' | 'by' | 'format' | 'db' | 'config' | keyof typeof FILTER_FLAGS, { short?: string }>;

interface UsageRequest {
  filter: LedgerFilter;
  grouping: LedgerGrouping;
  format: Format;
  url: string;
}

/** Runs `switchyard usage …`; returns the exit code. Never throws for a user's mistake. */
export async function runUsageCommand(argv: string[], io: UsageCommandIo): Promise<number> {
  let store: LedgerStore | undefined;
  try {
    const { values, help } = parseCommandArgs(argv, OPTIONS);
    if (help) {
      io.stdout(`${USAGE_HELP}\n`);
      return 0;
    }
    const request = usageRequest(values, (io.now ?? Date.now)());
    store = await openExistingLedger(request.url);
    const [groups, totals, efficiency] = await Promise.all([
      store.query(request.filter, request.grouping),
      store.query(request.filter, 'none'),
      store.efficiency(request.filter),
    ]);
    const total = totals[0];
    if (total === undefined) throw new Error('the ledger returned no totals row');
    if (request.format === 'csv') io.stdout(toCsv(groups));
    else if (request.format === 'json') io.stdout(`${JSON.stringify({ ledger: store.kind, filter: request.filter, group_by: request.grouping, groups, totals: total, efficiency }, null, 2)}\n`);
    else io.stdout(usageReportText(request, request.grouping === 'none' ? [] : groups, total, efficiency));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`switchyard usage: ${error.message}\n\n${USAGE_HELP}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(`switchyard usage: invalid config\n${error.message}\n`);
      return 1;
    }
    io.stderr(`switchyard usage: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

function usageRequest(values: Partial<Record<keyof typeof OPTIONS, string>>, now: number): UsageRequest {
  const grouping = (values.by ?? 'model') as LedgerGrouping;
  if (!LEDGER_GROUPINGS.includes(grouping)) throw new UsageError(`--by must be one of ${LEDGER_GROUPINGS.join(', ')}; got "${grouping}"`);
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${format}"`);
  const filter: LedgerFilter = { from: timeFlag(values.since ?? '7d', '--since', now) };
  if (values.until !== undefined) filter.to = timeFlag(values.until, '--until', now);
  if (filter.to !== undefined && filter.from !== undefined && filter.from >= filter.to) {
    const defaulted = values.since === undefined ? ', its default of 7d back from now' : '';
    throw new UsageError(`--since (${isoMinutes(filter.from)}${defaulted}) must be before --until (${isoMinutes(filter.to)})`);
  }
  for (const [flag, field] of Object.entries(FILTER_FLAGS) as Array<[keyof typeof FILTER_FLAGS, (typeof FILTER_FLAGS)[keyof typeof FILTER_FLAGS]]>) {
    const value = values[flag];
    if (value !== undefined) filter[field] = value;
  }
  let url = values.db;
  if (url !== undefined) {
    try {
      parseLedgerLocation(url);
    } catch (error) {
      throw new UsageError(`--db: ${(error as Error).message}`);
    }
  }
  url ??= values.config === undefined ? DEFAULT_DB : loadConfigFile(values.config).ledger.url;
  return { filter, grouping, format, url };
}

function timeFlag(value: string, flag: string, now: number): number {
  try {
    return parseTime(value, flag, now);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\.$/, ''));
  }
}

/**
 * Opens the ledger at `url`, refusing a SQLite file that does not exist: opening would create an
 * empty ledger there and report zero usage, hiding a wrong path.
 */
async function openExistingLedger(url: string): Promise<LedgerStore> {
  const location = parseLedgerLocation(url);
  if (location.backend === 'sqlite' && location.path !== ':memory:' && !existsSync(location.path)) {
    throw new StartupError(`no usage ledger at ${resolve(location.path)}: the file does not exist (the gateway creates it on its first start; pass --db or --config to read another)`);
  }
  try {
    return await openLedgerStore(url, { poolSize: 3, applicationName: 'switchyard-usage' });
  } catch (error) {
    // The store's messages name the file or host:port, never a password.
    throw new StartupError(`cannot open the usage ledger: ${(error as Error).message}`);
  }
}

/** The table, its TOTAL line, then efficiency and switch frequency, as one text. */
function usageReportText(request: Pick<UsageRequest, 'filter' | 'grouping'>, groups: readonly UsageGroup[], total: UsageGroup, efficiency: EfficiencySummary): string {
  const { filter, grouping } = request;
  const period = `${filter.from === undefined || filter.from <= 0 ? 'the first record' : isoMinutes(filter.from)} to ${filter.to === undefined ? 'now' : isoMinutes(filter.to)}`;
  const lines = [`Usage ${grouping === 'none' ? '' : `by ${grouping} `}from ${period}`, ''];
  lines.push(...usageTable(grouping, groups, total), '');
  lines.push(
    `Token efficiency: ${decimal(efficiency.tokens_per_completed_task, 1)} tokens per completed task (${thousands(efficiency.completed_tasks)} completed); output/input ${decimal(efficiency.output_input_ratio, 3)}`,
    `Model switch frequency: ${percent(efficiency.model_switch_frequency)} (${thousands(efficiency.model_switches)} of ${thousands(efficiency.turn_pairs)} consecutive turns in a session changed model)`,
  );
  if (total.unpriced_attempts > 0) lines.push(`Cost leaves out ${thousands(total.unpriced_attempts)} attempt(s) of models with no known price.`);
  return `${lines.join('\n')}\n`;
}

interface Column {
  header: string;
  cell(group: UsageGroup): string;
}

function usageTable(grouping: LedgerGrouping, groups: readonly UsageGroup[], total: UsageGroup): string[] {
  // One number of decimals for the whole cost column (at least 4, up to the micro-dollar) keeps it aligned.
  const costDecimals = Math.max(4, ...[...groups, total].map((group) => usdDecimals(group.cost_micros)));
  const label: Column = { header: grouping === 'none' ? '' : grouping.toUpperCase(), cell: (group) => group.group ?? '(none)' };
  const numbers: Column[] = [
    { header: 'REQUESTS', cell: (group) => thousands(group.requests) },
    { header: 'ATTEMPTS', cell: (group) => thousands(group.attempts) },
    { header: 'INPUT', cell: (group) => thousands(group.input_tokens) },
    { header: 'OUTPUT', cell: (group) => thousands(group.output_tokens) },
    { header: 'CACHED', cell: (group) => thousands(group.cached_input_tokens) },
    { header: 'COST USD', cell: (group) => usd(group.cost_micros, costDecimals) },
    { header: 'CACHE HIT', cell: (group) => percent(group.cache_hit_ratio) },
    { header: 'ERRORS', cell: (group) => percent(group.error_rate) },
    { header: 'FALLBACKS', cell: (group) => percent(group.fallback_rate) },
    { header: 'P50 MS', cell: (group) => (group.latency_p50_ms === null ? '-' : thousands(group.latency_p50_ms)) },
    { header: 'P95 MS', cell: (group) => (group.latency_p95_ms === null ? '-' : thousands(group.latency_p95_ms)) },
  ];
  const rows = groups.map((group) => [label.cell(group), ...numbers.map((column) => column.cell(group))]);
  const totalRow = ['TOTAL', ...numbers.map((column) => column.cell(total))];
  const headers = [label.header, ...numbers.map((column) => column.header)];
  const widths = headers.map((header, index) => Math.max(header.length, ...[...rows, totalRow].map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0))).join('  ').trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), ...rows.map(line), rule, line(totalRow)];
}

/** `1234567` → `1,234,567`; independent of the locale so output is the same everywhere. */
export function thousands(value: number): string {
  return groupDigits(String(value));
}

/** Commas between thousands in the whole part of a written number (`-1234.5` → `-1,234.5`). */
function groupDigits(text: string): string {
  const [whole = '', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function decimal(value: number | null, digits: number): string {
  return value === null ? '-' : groupDigits(value.toFixed(digits));
}

function percent(ratio: number | null): string {
  return ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`;
}

/** Decimals needed to write `micros` as dollars exactly (0–6). */
function usdDecimals(micros: number): number {
  return String(micros % 1_000_000).padStart(6, '0').replace(/0+$/, '').length;
}

/**
 * Integer micro-dollars as dollars, always exact: at least `minimumDecimals`, more when the amount
 * needs them (`1234500` → `1.2345`, `1234567` → `1.234567`, `5000000` → `5.0000`).
 */
export function usd(micros: number, minimumDecimals = 4): string {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return `${thousands(whole)}.${fraction.slice(0, Math.min(6, Math.max(minimumDecimals, usdDecimals(micros))))}`;
}

/** Minutes in UTC: `2026-01-15 12:00Z`. */
function isoMinutes(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** `switchyard usage` for the CLI's command table. */
export const usageCommand: Command = {
  name: 'usage',
  summary: 'report usage and cost from the ledger',
  usage: USAGE_HELP,
  run: (argv) =>
    runUsageCommand(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
};
