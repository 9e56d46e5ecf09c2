/**
 * The usage ledger: one record per upstream attempt, written in batches off the request path to
 * SQLite (embedded) or PostgreSQL (shared), and queried for the usage API. See README.md.
 */
export type { LedgerErrorClass, LedgerRecord } from './record.js';
export { LEDGER_COLUMNS, ledgerRecordProblem, ledgerTokensFromUsage } from './record.js';
export type {
  EfficiencySummary,
  LedgerFilter,
  LedgerGrouping,
  LedgerSink,
  LedgerStore,
  ListOptions,
  SessionSummary,
  TaskSummary,
  UsageGroup,
} from './store.js';
export { LEDGER_GROUPINGS } from './store.js';
export { openLedgerStore, parseLedgerLocation, type LedgerLocation, type LedgerStoreOptions } from './open-store.js';
export { openSqliteLedgerStore, type SqliteLedgerOptions } from './sqlite-store.js';
export { openPostgresLedgerStore, LedgerConnectionError, type PostgresLedgerOptions } from './postgres-store.js';
export { LedgerSchemaError } from './migrations.js';
export { LedgerWriter, MAX_WINDOW_MS, type LedgerWriterOptions, type LedgerWriterStats } from './writer.js';
export { toCsv } from './csv.js';
