import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { LedgerSchemaError, loadLedgerMigrations, pendingLedgerMigrations, type LedgerDialect } from './migrations.js';
import { LEDGER_COLUMNS } from './record.js';

/** Column names of `CREATE TABLE ledger_attempts (…)` and later `ALTER TABLE … ADD COLUMN`s, in order. */
function declaredColumns(sqls: readonly string[]): string[] {
  return sqls.flatMap((sql) => {
    const body = /CREATE TABLE ledger_attempts \(([\s\S]*?)\n\)/.exec(sql)?.[1];
    const created = (body ?? '')
      .split('\n')
      .map((line) => line.replace(/--.*$/, '').trim())
      .filter((line) => line !== '')
      .map((line) => line.split(/\s+/)[0] ?? '');
    const added = [...sql.matchAll(/ALTER TABLE ledger_attempts ADD COLUMN (\w+)/g)].map((match) => match[1]!);
    return [...created, ...added];
  });
}

describe('ledger migrations', () => {
  for (const dialect of ['sqlite', 'postgres'] as const satisfies readonly LedgerDialect[]) {
    it(`${dialect}: the table declares the record's columns in order`, () => {
      const migrations = loadLedgerMigrations(dialect);
      assert.equal(migrations[0]?.name, 'init');
      assert.deepEqual(declaredColumns(migrations.map((migration) => migration.sql)), LEDGER_COLUMNS.map((column) => column.name));
    });

    it(`${dialect}: applies what is missing and refuses a newer database`, () => {
      const all = loadLedgerMigrations(dialect);
      assert.deepEqual(pendingLedgerMigrations(dialect, 0), all);
      assert.deepEqual(pendingLedgerMigrations(dialect, all.length), []);
      assert.throws(() => pendingLedgerMigrations(dialect, all.length + 1), LedgerSchemaError);
    });
  }
});
