import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLedgerStore, type UsageGroup } from '../../ledger/index.js';
import { makeRecord } from '../../ledger/testing/records.js';
import { runUsageCommand, usd } from './usage.js';

const DAY = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;
const FORMULA_ROUTE = '=HYPERLINK("https://evil.example","open")';

/**
 * Four requests on 2025-01-01 (one of them a fallback from gpt-a to claude-b, one unpriced) and one
 * the day before, which the period leaves out. Session s1 is served gpt-a, then claude-b twice.
 */
const RECORDS = [
  makeRecord({ request_id: 'r1', time: DAY + HOUR, trace_id: 't1', session_id: 's1', team_id: 'platform', route: 'coding', model: 'gpt-a', input_tokens: 1200, output_tokens: 300, cached_input_tokens: 600, cost_micros: 2500, latency_ms: 400 }),
  makeRecord({ request_id: 'r2', time: DAY + 2 * HOUR, trace_id: 't2', session_id: 's1', team_id: 'platform', route: 'coding', model: 'gpt-a', status: 429, error_class: 'rate_limited', input_tokens: 1000, output_tokens: 0, cost_micros: 1000, latency_ms: 100 }),
  makeRecord({ request_id: 'r2', time: DAY + 2 * HOUR + 1000, trace_id: 't2', session_id: 's1', team_id: 'platform', route: 'coding', provider: 'anthropic', model: 'claude-b', attempt: 2, fallback_reason: 'rate_limited', input_tokens: 1000, output_tokens: 500, cost_micros: 1_234_567, latency_ms: 900 }),
  makeRecord({ request_id: 'r3', time: DAY + 3 * HOUR, trace_id: 't3', session_id: 's1', team_id: 'research', route: 'cheap', provider: 'anthropic', model: 'claude-b', input_tokens: 1_500_000, output_tokens: 2000, cached_input_tokens: 500_000, cost_micros: null, latency_ms: 1300 }),
  makeRecord({ request_id: 'r5', time: DAY + 4 * HOUR, trace_id: 't4', route: FORMULA_ROUTE, model: 'gpt-a', input_tokens: 100, output_tokens: 10, cost_micros: 100, latency_ms: 200 }),
  makeRecord({ request_id: 'r0', time: DAY - 12 * HOUR, trace_id: 't0', model: 'gpt-a', cost_micros: 9_999_999 }),
];

const PERIOD = ['--since', '2025-01-01', '--until', '2025-01-02'];

describe('switchyard usage', () => {
  const folder = mkdtempSync(join(tmpdir(), 'usage-cli-'));
  const path = join(folder, 'ledger.db');
  const db = `sqlite:${path}`;
  before(async () => {
    const store = await openLedgerStore(db);
    await store.insertBatch(RECORDS);
    await store.close();
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runUsageCommand(argv, { stdout: (text) => (out += text), stderr: (text) => (err += text), now: () => DAY + 24 * HOUR });
    return { code, out, err };
  }

  it('prints its usage with --help', async () => {
    const result = await run('--help');
    assert.equal(result.code, 0);
    assert.match(result.out, /^Usage: switchyard usage \[--since 7d\]/);
  });

  it('prints an aligned table by model, a TOTAL line counting each request once, efficiency and switches', async () => {
    const result = await run('--db', db, ...PERIOD);
    assert.equal(result.code, 0, result.err);
    assert.equal(
      result.out,
      [
        'Usage by model from 2025-01-01 00:00Z to 2025-01-02 00:00Z',
        '',
        'MODEL     REQUESTS  ATTEMPTS      INPUT  OUTPUT   CACHED  COST USD  CACHE HIT  ERRORS  FALLBACKS  P50 MS  P95 MS',
        'claude-b         2         2  1,501,000   2,500  500,000  1.234567      33.3%    0.0%      50.0%     900   1,300',
        'gpt-a            3         3      2,300     310      600  0.003600      26.1%   33.3%       0.0%     200     400',
        '--------  --------  --------  ---------  ------  -------  --------  ---------  ------  ---------  ------  ------',
        'TOTAL            4         5  1,503,300   2,810  500,600  1.238167      33.3%   20.0%      25.0%     400   1,300',
        '',
        // (1,503,300 + 2,810) tokens / 4 completed tasks; 2,810 / 1,503,300.
        'Token efficiency: 376,527.5 tokens per completed task (4 completed); output/input 0.002',
        // Session s1 was served gpt-a, claude-b, claude-b.
        'Model switch frequency: 50.0% (1 of 2 consecutive turns in a session changed model)',
        'Cost leaves out 1 attempt(s) of models with no known price.',
        '',
      ].join('\n'),
    );
  });

  it('groups by any dimension, naming a missing value (none), sorted last', async () => {
    const result = await run('--db', db, ...PERIOD, '--by', 'team');
    assert.equal(result.code, 0, result.err);
    const rows = result.out.split('\n').slice(2, 6).map((line) => line.split(/\s{2,}/).slice(0, 3));
    assert.deepEqual(rows, [
      ['TEAM', 'REQUESTS', 'ATTEMPTS'],
      ['platform', '2', '3'],
      ['research', '1', '1'],
      ['(none)', '1', '1'],
    ]);
  });

  it('applies filters and --by none prints only the TOTAL line', async () => {
    const result = await run('--db', db, ...PERIOD, '--by', 'none', '--team', 'platform', '--model', 'gpt-a');
    assert.equal(result.code, 0, result.err);
    const lines = result.out.split('\n');
    assert.equal(lines[0], 'Usage from 2025-01-01 00:00Z to 2025-01-02 00:00Z');
    assert.match(lines[3] ?? '', /^-+ /);
    assert.match(lines[4] ?? '', /^TOTAL\s+2\s+2\s+2,200\s+300\s+600\s+0\.0035\s+27\.3%\s+50\.0%\s+0\.0%\s+400\s+400$/);
  });

  it('reads the last 7 days by default, and durations back from now', async () => {
    const total = async (...argv: string[]): Promise<UsageGroup> => (JSON.parse((await run('--db', db, '--format', 'json', ...argv)).out) as { totals: UsageGroup }).totals;
    assert.equal((await total()).requests, 5, 'the default 7 days include the day before');
    assert.equal((await total('--since', '24h')).requests, 4);
    assert.equal((await total('--since', '24h', '--until', String(DAY + 2 * HOUR))).requests, 1);
  });

  it('prints JSON with the groups, the totals and efficiency', async () => {
    const result = await run('--db', db, ...PERIOD, '--format', 'json', '--by', 'route');
    assert.equal(result.code, 0, result.err);
    const report = JSON.parse(result.out) as { ledger: string; filter: object; group_by: string; groups: UsageGroup[]; totals: UsageGroup; efficiency: { completed_tasks: number; model_switches: number } };
    assert.equal(report.ledger, 'sqlite');
    assert.deepEqual(report.filter, { from: DAY, to: DAY + 24 * HOUR });
    assert.equal(report.group_by, 'route');
    assert.deepEqual(report.groups.map((group) => [group.group, group.requests]), [[FORMULA_ROUTE, 1], ['cheap', 1], ['coding', 2]]);
    assert.equal(report.totals.cost_micros, 1_238_167);
    assert.equal(report.totals.unpriced_attempts, 1);
    assert.deepEqual([report.efficiency.completed_tasks, report.efficiency.model_switches], [4, 1]);
  });

  it('prints CSV, one row per group, with a formula-looking route kept as text', async () => {
    const result = await run('--db', db, ...PERIOD, '--format', 'csv', '--by', 'route');
    assert.equal(result.code, 0, result.err);
    const lines = result.out.split('\r\n');
    assert.match(lines[0] ?? '', /^group,requests,attempts,input_tokens,/);
    assert.equal(lines.length, 5, 'a header, three groups, the final line end');
    assert.ok(lines[1]?.startsWith(`"'=HYPERLINK(""https://evil.example"",""open"")",1,1,100,10,`), lines[1]);
  });

  it('reads the ledger URL from --config, and --db wins over it', async () => {
    const config = join(folder, 'gateway.yaml');
    writeFileSync(config, `providers:\n  emu:\n    kind: openai-compatible\n    base_url: http://127.0.0.1:1/v1\n    api_key: k\nledger:\n  url: ${db}\n`);
    const fromConfig = await run('--config', config, ...PERIOD, '--by', 'none');
    assert.equal(fromConfig.code, 0, fromConfig.err);
    assert.match(fromConfig.out, /^TOTAL\s+4\s+5\s/m);
    const overridden = await run('--config', config, '--db', join(folder, 'elsewhere.db'));
    assert.equal(overridden.code, 1);
    assert.match(overridden.err, /no usage ledger at .*elsewhere\.db/);
  });

  it('exits 2 for misuse, naming the flag at fault', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--by', 'colour'], /--by must be one of none, model, route, task, key, team, session, provider, day, hour; got "colour"/],
      [['--format', 'xml'], /--format must be one of table, json, csv; got "xml"/],
      [['--since', 'yesterday-ish'], /--since must be an ISO time or a duration such as 7d, 24h or 30m; got "yesterday-ish"/],
      [['--until', 'soon'], /--until must be an ISO time or a duration/],
      [['--since', '2025-01-02', '--until', '2025-01-01'], /--since \(2025-01-02 00:00Z\) must be before --until \(2025-01-01 00:00Z\)/],
      [['--until', '2024-12-20'], /--since \(2024-12-26 00:00Z, its default of 7d back from now\) must be before --until \(2024-12-20 00:00Z\)/],
      [['--colour', 'red'], /Unknown option '--colour'/],
      [['--by'], /Option '--by <value>' argument missing/],
      [['extra'], /Unexpected argument 'extra'/],
      [['--db', 'mysql://host/ledger'], /--db: ledger: unsupported URL scheme "mysql:"/],
    ];
    for (const [argv, message] of cases) {
      const result = await run('--db', db, ...argv);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
      assert.match(result.err, message, argv.join(' '));
      assert.match(result.err, /Usage: switchyard usage/);
      assert.equal(result.out, '');
    }
  });

  it('exits 1 when there is no ledger to read, without creating one', async () => {
    const missing = join(folder, 'nowhere', 'ledger.db');
    const result = await run('--db', `sqlite:${missing}`);
    assert.equal(result.code, 1);
    assert.match(result.err, /^switchyard usage: no usage ledger at .*nowhere\/ledger\.db: the file does not exist/);
    assert.equal(result.out, '');
    assert.equal(existsSync(join(folder, 'nowhere')), false, 'no folder or empty database was created');

    const noConfig = await run('--config', join(folder, 'absent.yaml'));
    assert.equal(noConfig.code, 1);
    assert.match(noConfig.err, /invalid config\n.*absent\.yaml: \(top level\): cannot read the config: file not found/);

    const unreachable = await run('--db', 'postgres://usage:pw-secret@127.0.0.1:1/ledger');
    assert.equal(unreachable.code, 1);
    assert.match(unreachable.err, /cannot open the usage ledger: ledger: cannot use PostgreSQL at 127\.0\.0\.1:1 \(database ledger\)/);
    assert.doesNotMatch(unreachable.err, /pw-secret/);
  });
});

describe('usd', () => {
  it('writes micro-dollars exactly, with at least four decimals', () => {
    assert.equal(usd(0), '0.0000');
    assert.equal(usd(1500), '0.0015');
    assert.equal(usd(1234), '0.001234');
    assert.equal(usd(5_000_000), '5.0000');
    assert.equal(usd(12_345_678_901_200), '12,345,678.9012');
    assert.equal(usd(3600, 6), '0.003600');
  });
});
