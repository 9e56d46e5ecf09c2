import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { openLedgerStore } from './open-store.js';
import { openPostgresLedgerStore } from './postgres-store.js';
import type { LedgerRecord } from './record.js';
import { LEDGER_GROUPINGS, type LedgerFilter, type LedgerStore } from './store.js';
import { dropSchemas, postgresSkipReason, TEST_POSTGRES_URL, testSchemaName } from './testing/postgres.js';
import { referenceEfficiency, referenceUsage } from './testing/reference.js';
import { generateTraffic } from './testing/records.js';

const skip = await postgresSkipReason();

const FILTERS: readonly LedgerFilter[] = [
  {},
  { from: Date.UTC(2025, 2, 31), to: Date.UTC(2025, 3, 1, 12) },
  { key_id: 'key-2' },
  { team_id: 'team-1', route: 'Coding' },
  { model: 'Claude-haiku' },
  { task_type: 'Summarize' },
  { session_id: 'Session-7' },
  { provider: 'local', from: Date.UTC(2025, 3, 1) },
];

describe('SQLite and PostgreSQL answer alike', { skip }, () => {
  const traffic: LedgerRecord[] = generateTraffic(7, 3000);
  const schema = testSchemaName();
  let sqlite: LedgerStore;
  let postgres: LedgerStore;

  before(async () => {
    sqlite = await openLedgerStore(':memory:');
    postgres = await openPostgresLedgerStore(TEST_POSTGRES_URL, { schema });
    // Shuffled differently per backend: insertion order must not matter.
    await sqlite.insertBatch(traffic);
    await postgres.insertBatch([...traffic].reverse());
  });
  after(async () => {
    await sqlite?.close();
    await postgres?.close();
    await dropSchemas([schema]);
  });

  it(`gives identical usage groups for every grouping and filter (${FILTERS.length} filters × ${LEDGER_GROUPINGS.length} groupings)`, async () => {
    for (const filter of FILTERS) {
      for (const grouping of LEDGER_GROUPINGS) {
        const fromSqlite = await sqlite.query(filter, grouping);
        assert.deepEqual(await postgres.query(filter, grouping), fromSqlite, `${JSON.stringify(filter)} by ${grouping}`);
        // Both equal to the plain-TS definition, so they cannot be wrong in the same way.
        assert.deepEqual(fromSqlite, referenceUsage(traffic, filter, grouping), `reference, ${JSON.stringify(filter)} by ${grouping}`);
      }
    }
    const byModel = await sqlite.query({}, 'model');
    assert.equal(byModel.length, 6, 'every generated model is a group');
  });

  it('gives identical task, session and efficiency summaries', async () => {
    for (const filter of FILTERS) {
      const label = JSON.stringify(filter);
      assert.deepEqual(await postgres.tasks(filter, { limit: 10_000 }), await sqlite.tasks(filter, { limit: 10_000 }), label);
      assert.deepEqual(await postgres.sessions(filter, { limit: 50 }), await sqlite.sessions(filter, { limit: 50 }), label);
      const efficiency = await sqlite.efficiency(filter);
      assert.deepEqual(await postgres.efficiency(filter), efficiency, label);
      assert.deepEqual(efficiency, referenceEfficiency(traffic, filter), `reference, ${label}`);
    }
    const overall = await sqlite.efficiency({});
    assert.ok(overall.turn_pairs > 0 && overall.model_switches > 0 && overall.model_switches < overall.turn_pairs);
  });
});
