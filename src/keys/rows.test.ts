import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { loadLedgerMigrations } from '../ledger/migrations.js';
import { KEY_COLUMNS, TEAM_COLUMNS } from './rows.js';

/** Column names of `CREATE TABLE <table> (…)` in a migration, in order. */
function declaredColumns(sql: string, table: string): string[] {
  const body = new RegExp(`CREATE TABLE ${table} \\(([\\s\\S]*?)\\n\\)`).exec(sql)?.[1] ?? '';
  return body
    .split('\n')
    .map((line) => line.replace(/--.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => line.split(/\s+/)[0] ?? '');
}

describe('keys migration', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`${dialect}: 002_keys declares the columns the store reads and writes, in order`, () => {
      const migration = loadLedgerMigrations(dialect).find((candidate) => candidate.name === 'keys');
      assert.equal(migration?.version, 2);
      assert.deepEqual(declaredColumns(migration?.sql ?? '', 'teams'), [...TEAM_COLUMNS]);
      assert.deepEqual(declaredColumns(migration?.sql ?? '', 'keys'), [...KEY_COLUMNS]);
    });
  }
});
