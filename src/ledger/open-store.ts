import { openPostgresLedgerStore, type PostgresLedgerOptions } from './postgres-store.js';
import { openSqliteLedgerStore, type SqliteLedgerOptions } from './sqlite-store.js';
import type { LedgerStore } from './store.js';

export type LedgerStoreOptions = SqliteLedgerOptions & PostgresLedgerOptions;

/** Where a ledger URL points: a PostgreSQL server, or a SQLite file (or memory). */
export type LedgerLocation = { backend: 'postgres'; url: string } | { backend: 'sqlite'; path: string };

/**
 * `postgres://…` and `postgresql://…` are PostgreSQL. `sqlite:PATH`, `sqlite://PATH` and a bare
 * path are SQLite files (`sqlite:///abs/file.db` is absolute); `:memory:` keeps it in memory.
 */
export function parseLedgerLocation(url: string): LedgerLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { backend: 'postgres', url };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme !== undefined && scheme.toLowerCase() === 'sqlite') {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') throw new RangeError('ledger: a sqlite: URL needs a path, e.g. sqlite:./data/ledger.db');
    return { backend: 'sqlite', path };
  }
  // `C:` (a Windows drive) is a path, not a scheme.
  if (scheme !== undefined && scheme.length > 1 && url.startsWith(`${scheme}://`)) {
    throw new RangeError(`ledger: unsupported URL scheme "${scheme}:"; use a file path, sqlite:PATH or postgres://`);
  }
  if (url === '') throw new RangeError('ledger: the ledger URL is empty');
  return { backend: 'sqlite', path: url };
}

/** Opens (and migrates) the ledger at `url`. */
export async function openLedgerStore(url: string, options: LedgerStoreOptions = {}): Promise<LedgerStore> {
  const location = parseLedgerLocation(url);
  if (location.backend === 'postgres') return openPostgresLedgerStore(location.url, options);
  return openSqliteLedgerStore(location.path, options);
}
