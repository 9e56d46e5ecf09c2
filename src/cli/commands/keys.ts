import { parseArgs } from 'node:util';
import { KeyConflictError, KeyValidationError, openKeyStore, type Budget, type KeyCreate, type KeyStore, type Team, type TeamCreate, type VirtualKey } from '../../keys/index.js';
import { UsageError, type Command } from '../args.js';

export const KEYS_USAGE = `Usage: switchyard keys <action> [options]

Manages virtual keys and teams directly in the database the gateway uses (the ledger's).

Actions:
  create [--name NAME] [--team TEAM] [limits]   create a key; it is printed once, never again
  list [--team TEAM] [--all] [--json]           list keys (--all: revoked ones too)
  revoke KEY_ID                                 revoke a key (final)
  teams create NAME [limits]                    create a team
  teams list [--json]                           list teams
  teams delete TEAM                             delete a team whose keys are all revoked

Limits:
  --models LIST         allowed models, comma-separated, globs allowed (anthropic/*); default all
  --routes LIST         allowed routes, comma-separated, globs allowed; default all
  --rpm N, --tpm N      requests, tokens per minute
  --budget SPEC         PERIOD:USD[:tz=ZONE][:downgrade=ROUTE][:thresholds=0.5/0.8/1], repeatable;
                        PERIOD is day, week, month or total (month:100, day:5:tz=Europe/Paris)
  --metadata JSON       a JSON object kept with the key or team
Key only:
  --expires WHEN        an ISO time with a zone, or a duration from now: 30d, 12h, 45m
  --task-max-tokens N, --task-max-cost USD, --task-downgrade ROUTE
                        a budget per task (trace); past it the request is blocked or downgraded

Options:
  --db URL              SQLite path, sqlite:PATH or postgres://… (default sqlite:.switchyard/ledger.db)
  --json                print JSON instead of a table
TEAM is a team's id or name. Exit codes: 0 done, 1 failed (database, unknown id), 2 misuse.`;

export const DEFAULT_DB = 'sqlite:.switchyard/ledger.db';

export interface KeysCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Wall clock, ms since the epoch; tests pass their own. */
  now?: () => number;
}

const OPTIONS = {
  db: { type: 'string' },
  name: { type: 'string' },
  team: { type: 'string' },
  models: { type: 'string' },
  routes: { type: 'string' },
  rpm: { type: 'string' },
  tpm: { type: 'string' },
  budget: { type: 'string', multiple: true },
  metadata: { type: 'string' },
  expires: { type: 'string' },
  'task-max-tokens': { type: 'string' },
  'task-max-cost': { type: 'string' },
  'task-downgrade': { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const LIMIT_FLAGS = ['models', 'routes', 'rpm', 'tpm', 'budget', 'metadata'];
const KEY_FLAGS = [...LIMIT_FLAGS, 'name', 'team', 'expires', 'task-max-tokens', 'task-max-cost', 'task-downgrade'];
/** Which flags each action takes (besides --db and --help); anything else is a usage error. */
const ACTION_FLAGS: Record<string, readonly string[]> = {
  create: [...KEY_FLAGS, 'json'],
  list: ['team', 'all', 'json'],
  revoke: [],
  'teams create': [...LIMIT_FLAGS, 'json'],
  'teams list': ['json'],
  'teams delete': [],
};

/** Store fields as the flags that set them, so an invalid value is reported as the user typed it. */
const FLAG_OF_FIELD: Record<string, string> = {
  name: '--name',
  team_id: '--team',
  allowed_models: '--models',
  allowed_routes: '--routes',
  rpm: '--rpm',
  tpm: '--tpm',
  budgets: '--budget',
  task_budget: '--task-*',
  metadata: '--metadata',
  expires_at: '--expires',
};

/** Runs `switchyard keys …`; returns the exit code. Never throws for a user's mistake. */
export async function runKeysCommand(argv: string[], io: KeysCommandIo): Promise<number> {
  let flags: Flags;
  let positionals: string[];
  try {
    ({ values: flags, positionals } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true }));
  } catch (error) {
    return usageFailure(io, (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  if (flags.help === true) {
    io.stdout(`${KEYS_USAGE}\n`);
    return 0;
  }
  let store: KeyStore | undefined;
  try {
    const [first, second, ...rest] = positionals;
    const action = first === 'teams' ? `teams ${second ?? ''}`.trim() : (first ?? '');
    const operands = first === 'teams' ? rest : positionals.slice(1);
    if (ACTION_FLAGS[action] === undefined) {
      throw new UsageError(action === '' ? 'keys needs an action: create, list, revoke or teams' : `unknown action "${action}" (known: ${Object.keys(ACTION_FLAGS).join(', ')})`);
    }
    const allowed = new Set(['db', 'help', ...(ACTION_FLAGS[action] ?? [])]);
    const misplaced = Object.keys(flags).find((flag) => !allowed.has(flag));
    if (misplaced !== undefined) throw new UsageError(`--${misplaced} does not apply to "keys ${action}"`);
    const expected = action === 'create' || action === 'list' || action === 'teams list' ? 0 : 1;
    if (operands.length !== expected) {
      throw new UsageError(expected === 0 ? `unexpected argument "${operands[0]}"` : `"keys ${action}" needs ${action === 'revoke' ? 'a KEY_ID' : action === 'teams create' ? 'a NAME' : 'a TEAM'}`);
    }
    const operand = operands[0] ?? '';
    const now = io.now ?? Date.now;
    const input = action === 'create' ? keyInput(flags, now()) : action === 'teams create' ? teamInput(flags, operand) : undefined;
    store = await openKeyStore(flags.db ?? DEFAULT_DB);
    switch (action) {
      case 'create':
        return await createKey(store, io, input as KeyCreate, flags, now());
      case 'list':
        return await listKeys(store, io, flags, now());
      case 'revoke':
        return await revokeKey(store, io, operand, now());
      case 'teams create':
        return await createTeam(store, io, input as TeamCreate, flags, now());
      case 'teams list':
        return await listTeams(store, io, flags);
      default:
        return await deleteTeam(store, io, operand);
    }
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, error.message);
    if (error instanceof KeyValidationError) {
      // A value given on the command line was refused: misuse (2), reported as the flag typed.
      const problems = error.issues.map((issue) => `${FLAG_OF_FIELD[issue.path.split(/[.[]/)[0] ?? ''] ?? issue.path} (${issue.path}): ${issue.message}`);
      io.stderr(`switchyard keys: ${problems.join('\n')}\n`);
      return 2;
    }
    io.stderr(`switchyard keys: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await store?.close();
  }
}

function usageFailure(io: KeysCommandIo, message: string): number {
  io.stderr(`switchyard keys: ${message}\n\n${KEYS_USAGE}\n`);
  return 2;
}

/** A whole number as a number; anything else is passed on for the store to refuse by name. */
function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

function list(value: string | undefined): string[] | undefined {
  return value?.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

function parseMetadata(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch (error) {
    throw new UsageError(`--metadata must be JSON: ${(error as Error).message}`);
  }
}

/** `month:100`, `day:5:tz=Europe/Paris:downgrade=cheap:thresholds=0.5/1` → a budget to validate. */
export function parseBudgetSpec(spec: string): Record<string, unknown> {
  const [period, amount, ...options] = spec.split(':');
  if (period === undefined || amount === undefined || amount === '') throw new UsageError(`--budget "${spec}" must read PERIOD:USD, e.g. month:100`);
  const budget: Record<string, unknown> = { period, limit_usd: numberOrText(amount) };
  for (const option of options) {
    const [name, value = ''] = option.split(/=(.*)/s);
    if (name === 'tz') budget.timezone = value;
    else if (name === 'downgrade') budget.on_exhausted = { downgrade_to: value };
    else if (name === 'thresholds') budget.thresholds = value.split('/').map(numberOrText);
    else throw new UsageError(`--budget "${spec}": unknown option "${name}" (known: tz=, downgrade=, thresholds=)`);
  }
  return budget;
}

/** `30d`, `12h`, `45m` from now; anything else goes to the store as an ISO time to validate. */
function parseExpiry(value: string | undefined, now: number): number | string | undefined {
  const duration = value === undefined ? null : /^(\d+)([dhm])$/.exec(value);
  if (duration === null) return value;
  return now + Number(duration[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[duration[2] as 'd' | 'h' | 'm'];
}

function limits(flags: Flags): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    allowed_models: list(flags.models),
    allowed_routes: list(flags.routes),
    rpm: numberOrText(flags.rpm),
    tpm: numberOrText(flags.tpm),
    budgets: flags.budget?.map(parseBudgetSpec),
    metadata: parseMetadata(flags.metadata),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function teamInput(flags: Flags, name: string): TeamCreate {
  return { name, ...limits(flags) } as TeamCreate;
}

function keyInput(flags: Flags, now: number): KeyCreate {
  const task =
    flags['task-max-tokens'] ?? flags['task-max-cost'] ?? flags['task-downgrade']
      ? {
          ...(flags['task-max-tokens'] !== undefined && { max_tokens: numberOrText(flags['task-max-tokens']) }),
          ...(flags['task-max-cost'] !== undefined && { max_cost_usd: numberOrText(flags['task-max-cost']) }),
          ...(flags['task-downgrade'] !== undefined && { on_exceeded: { downgrade_to: flags['task-downgrade'] } }),
        }
      : undefined;
  const expires = parseExpiry(flags.expires, now);
  return { ...(flags.name !== undefined && { name: flags.name }), ...limits(flags), ...(task && { task_budget: task }), ...(expires !== undefined && { expires_at: expires }) } as KeyCreate;
}

/** A team by id, else by name; a missing one is a runtime failure naming what was looked for. */
async function resolveTeam(store: KeyStore, reference: string): Promise<Team> {
  const team = (await store.getTeam(reference)) ?? (await store.getTeamByName(reference));
  if (team === undefined) throw new Error(`no team has the id or name "${reference}"`);
  return team;
}

async function createKey(store: KeyStore, io: KeysCommandIo, input: KeyCreate, flags: Flags, now: number): Promise<number> {
  const team = flags.team === undefined ? undefined : await resolveTeam(store, flags.team);
  const { key, rawKey } = await store.createKey({ ...input, ...(team && { team_id: team.id }) }, now);
  if (flags.json === true) io.stdout(`${JSON.stringify({ ...key, key: rawKey }, null, 2)}\n`);
  else io.stdout(`Created key ${key.id}${key.name === null ? '' : ` "${key.name}"`}${team === undefined ? '' : ` in team ${team.name}`}:\n\n    ${rawKey}\n\n`);
  io.stderr('Copy this key now: it will not be shown again. Only its hash is stored; a lost key cannot be recovered, only revoked and replaced.\n');
  return 0;
}

async function listKeys(store: KeyStore, io: KeysCommandIo, flags: Flags, now: number): Promise<number> {
  const team = flags.team === undefined ? undefined : await resolveTeam(store, flags.team);
  const keys = await store.listKeys({ ...(team && { team_id: team.id }), include_revoked: flags.all === true });
  if (flags.json === true) {
    io.stdout(`${JSON.stringify(keys, null, 2)}\n`);
    return 0;
  }
  const teamNames = new Map((await store.listTeams()).map((entry) => [entry.id, entry.name]));
  const rows = keys.map((key) => [
    key.id,
    key.display_prefix,
    key.name ?? '-',
    key.team_id === null ? '-' : (teamNames.get(key.team_id) ?? key.team_id),
    patterns(key.allowed_models),
    rates(key),
    budgetsText(key.budgets),
    formatTime(key.created_at),
    key.expires_at === null ? '-' : formatTime(key.expires_at),
    keyStatus(key, now),
  ]);
  io.stdout(table(['ID', 'PREFIX', 'NAME', 'TEAM', 'MODELS', 'RPM/TPM', 'BUDGETS', 'CREATED', 'EXPIRES', 'STATUS'], rows, keys.length === 0 ? 'No keys.' : undefined));
  return 0;
}

async function revokeKey(store: KeyStore, io: KeysCommandIo, id: string, now: number): Promise<number> {
  const before = await store.getKey(id);
  if (before === undefined) throw new Error(`no key has the id "${id}" (see switchyard keys list --all)`);
  const key = await store.revokeKey(id, now);
  const when = formatTime(key?.revoked_at ?? now);
  io.stdout(before.revoked_at === null ? `Revoked key ${id} (${before.display_prefix}) at ${when}.\n` : `Key ${id} (${before.display_prefix}) was already revoked at ${when}.\n`);
  return 0;
}

async function createTeam(store: KeyStore, io: KeysCommandIo, input: TeamCreate, flags: Flags, now: number): Promise<number> {
  const team = await store.createTeam(input, now);
  io.stdout(flags.json === true ? `${JSON.stringify(team, null, 2)}\n` : `Created team ${team.id} "${team.name}".\n`);
  return 0;
}

async function listTeams(store: KeyStore, io: KeysCommandIo, flags: Flags): Promise<number> {
  const teams = await store.listTeams();
  if (flags.json === true) {
    io.stdout(`${JSON.stringify(teams, null, 2)}\n`);
    return 0;
  }
  const activeKeys = new Map<string, number>();
  for (const key of await store.listKeys()) if (key.team_id !== null) activeKeys.set(key.team_id, (activeKeys.get(key.team_id) ?? 0) + 1);
  const rows = teams.map((team) => [team.id, team.name, patterns(team.allowed_models), patterns(team.allowed_routes), rates(team), budgetsText(team.budgets), String(activeKeys.get(team.id) ?? 0), formatTime(team.created_at)]);
  io.stdout(table(['ID', 'NAME', 'MODELS', 'ROUTES', 'RPM/TPM', 'BUDGETS', 'KEYS', 'CREATED'], rows, teams.length === 0 ? 'No teams.' : undefined));
  return 0;
}

async function deleteTeam(store: KeyStore, io: KeysCommandIo, reference: string): Promise<number> {
  const team = await resolveTeam(store, reference);
  const result = await store.deleteTeam(team.id);
  if (result.outcome === 'has_active_keys') {
    throw new KeyConflictError('team_has_keys', `team "${team.name}" still has ${result.active_keys} key(s) not revoked; revoke them first (switchyard keys list --team ${team.id})`);
  }
  io.stdout(`Deleted team ${team.id} "${team.name}".\n`);
  return 0;
}

function keyStatus(key: VirtualKey, now: number): string {
  if (key.revoked_at !== null) return 'revoked';
  return key.expires_at !== null && key.expires_at <= now ? 'expired' : 'active';
}

const patterns = (value: string[] | null): string => (value === null ? 'all' : value.length === 0 ? 'none' : value.join(','));
const rates = (limits: { rpm: number | null; tpm: number | null }): string => `${limits.rpm ?? '-'}/${limits.tpm ?? '-'}`;
const budgetsText = (budgets: readonly Budget[]): string => (budgets.length === 0 ? '-' : budgets.map((budget) => `${budget.period} $${budget.limit_usd}`).join(', '));
/** Minutes in UTC: `2026-01-15 12:00Z`. */
const formatTime = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;

function table(headers: readonly string[], rows: readonly string[][], empty?: string): string {
  if (empty !== undefined) return `${empty}\n`;
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}

/** `switchyard keys` for the CLI's command table. */
export const keysCommand: Command = {
  name: 'keys',
  summary: 'manage virtual keys and teams',
  usage: KEYS_USAGE,
  run: (argv) =>
    runKeysCommand(argv, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
};
