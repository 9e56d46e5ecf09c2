import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';

const WINDOW_MS = 100;
/** Timer lateness and the write itself on a busy machine: generous, this is not a timing test. */
const SLACK_MS = 150;
/** About 2,000 appends a second; each round is killed at a different count. */
const KILL_AFTER_RECORDS = [1500, 1730, 1960, 2190];

/** The child script beside this file: compiled .js, or .ts through tsx when run from source. */
function childCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const script = fileURLToPath(new URL(`./testing/append-child${here.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
  return here.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
}

interface Acknowledgement {
  appended: number;
  at: number;
}

/** Runs the child until it acknowledged `records` appends, kills it with SIGKILL, returns every acknowledgement. */
async function appendUntilKilled(path: string, records: number): Promise<Acknowledgement[]> {
  const child = spawn(process.execPath, [...childCommand(), path, String(WINDOW_MS), '10', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acknowledgements: Acknowledgement[] = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const [appended, at] = line.split(' ').map(Number);
      if (appended === undefined || at === undefined || Number.isNaN(appended)) continue;
      acknowledgements.push({ appended, at });
      if (appended >= records && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    }
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, closeSignal) => resolve(closeSignal));
  });
  assert.equal(signal, 'SIGKILL', 'the child ran until killed');
  return acknowledgements;
}

describe('ledger durability under kill -9', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ledger-crash-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it(`loses at most the records appended in the last window (${WINDOW_MS} ms + ${SLACK_MS} ms slack)`, async (t) => {
    // Kills land at different points of the flush cycle; the worst round approaches the window.
    for (const [round, killAfter] of KILL_AFTER_RECORDS.entries()) {
      const path = join(folder, `ledger-${round}.db`);
      const acknowledgements = await appendUntilKilled(path, killAfter);
      const last = acknowledgements.at(-1);
      assert.ok(last !== undefined && last.appended >= killAfter);

      // Opening after the crash recovers the WAL, as the next gateway start would.
      const db = new Database(path);
      const stored = db.prepare('SELECT request_id FROM ledger_attempts ORDER BY request_id').all() as { request_id: string }[];
      db.close();
      // What survived is exactly the first records, in order: no gaps.
      stored.forEach((row, index) => assert.equal(Number(row.request_id), index));

      const missing = last.appended - stored.length;
      const windowStart = last.at - WINDOW_MS - SLACK_MS;
      const beforeWindow = acknowledgements.filter((ack) => ack.at < windowStart).at(-1)?.appended ?? 0;
      const allowed = last.appended - beforeWindow;
      // The oldest missing record was acknowledged by the first line that counted past what was stored.
      const firstMissing = acknowledgements.find((ack) => ack.appended > stored.length);
      const missingSpanMs = firstMissing === undefined ? 0 : last.at - firstMissing.at;
      t.diagnostic(
        `round ${round + 1}: kill -9 after ${last.appended} acknowledged appends: ${stored.length} stored, ${missing} missing, ` +
          `appended over the last ${missingSpanMs} ms before the kill (window ${WINDOW_MS} ms; allowed ${allowed} records)`,
      );
      assert.ok(missing >= 0, 'nothing stored that was not appended');
      assert.ok(missing <= allowed, `${missing} missing, more than the ${allowed} appended within the window and slack`);
    }
  });
});
