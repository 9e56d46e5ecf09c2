import { KeyConflictError } from './errors.js';
import { generateKey, parseKey, randomBase62, verifyKey } from './key-format.js';
import { keyCreateSchema, keyPatchSchema, teamCreateSchema, teamPatchSchema } from './policy.js';
import { KEY_COLUMNS, keyFromRow, selectList, TEAM_COLUMNS, teamFromRow, toColumn } from './rows.js';
import type { SqlDatabase, SqlValue } from './sql.js';
import type { AuthResult, KeyStore, Team, VirtualKey } from './types.js';
import { KeyValidationError, validate } from './validation.js';

const TEAM_SELECT = `SELECT ${TEAM_COLUMNS.join(', ')} FROM teams`;
const KEY_SELECT = `SELECT ${KEY_COLUMNS.join(', ')} FROM keys`;
/** A key and its team in one round trip; team columns carry a `team__` prefix. */
const AUTH_SELECT = `SELECT ${selectList('keys', KEY_COLUMNS)}, ${selectList('teams', TEAM_COLUMNS, 'team__')} FROM keys LEFT JOIN teams ON teams.id = keys.team_id WHERE keys.public_id = ?`;

const insertSql = (table: string, columns: readonly string[]): string => `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;

/** `team_…` / `key_…`: 16 base62 characters (95 bits), readable in logs and CLI output. */
function newId(kind: 'team' | 'key'): string {
  return `${kind}_${randomBase62(16)}`;
}

/** `SET a = ?, b = ?` for the fields present in a validated patch, plus updated_at. */
function setClause(patch: Record<string, unknown>, now: number): { sql: string; params: SqlValue[] } {
  const fields = Object.entries(patch).filter(([, value]) => value !== undefined);
  return {
    sql: [...fields.map(([field]) => `${field} = ?`), 'updated_at = ?'].join(', '),
    params: [...fields.map(([field, value]) => toColumn(field, value)), now],
  };
}

function noSuchTeam(teamId: string): KeyValidationError {
  return new KeyValidationError([{ path: 'team_id', message: `no team has the id "${teamId}"` }]);
}

function nameTaken(name: string): KeyConflictError {
  return new KeyConflictError('team_name_taken', `a team named "${name}" already exists`);
}

/** The store's logic once, over either backend's SqlDatabase. */
export function createKeyStore(database: SqlDatabase): KeyStore {
  const getTeam = async (id: string): Promise<Team | undefined> => {
    const [row] = await database.all(`${TEAM_SELECT} WHERE id = ?`, [id]);
    return row === undefined ? undefined : teamFromRow(row);
  };
  const getKey = async (id: string): Promise<VirtualKey | undefined> => {
    const [row] = await database.all(`${KEY_SELECT} WHERE id = ?`, [id]);
    return row === undefined ? undefined : keyFromRow(row);
  };

  /** Runs a write, turning the constraint violations the store expects into its own errors. */
  async function write<Result>(work: () => Promise<Result>, onViolation: Partial<Record<'unique' | 'foreign_key', () => Error>>): Promise<Result> {
    try {
      return await work();
    } catch (error) {
      const violation = database.violation(error);
      const replacement = violation === undefined ? undefined : onViolation[violation];
      throw replacement === undefined ? error : replacement();
    }
  }

  return {
    kind: database.kind,

    async createTeam(input, now = Date.now()) {
      const fields = validate(teamCreateSchema, input);
      const team: Team = { id: newId('team'), ...fields, created_at: now, updated_at: now };
      await write(() => database.run(insertSql('teams', TEAM_COLUMNS), TEAM_COLUMNS.map((column) => toColumn(column, team[column]))), { unique: () => nameTaken(team.name) });
      return team;
    },

    async listTeams() {
      return (await database.all(`${TEAM_SELECT} ORDER BY created_at, id`)).map((row) => teamFromRow(row));
    },

    getTeam,

    async getTeamByName(name) {
      const [row] = await database.all(`${TEAM_SELECT} WHERE name = ?`, [name]);
      return row === undefined ? undefined : teamFromRow(row);
    },

    async updateTeam(id, input, now = Date.now()) {
      const patch = validate(teamPatchSchema, input);
      const set = setClause(patch, now);
      const changed = await write(() => database.run(`UPDATE teams SET ${set.sql} WHERE id = ?`, [...set.params, id]), { unique: () => nameTaken(patch.name ?? '') });
      return changed === 0 ? undefined : getTeam(id);
    },

    async deleteTeam(id) {
      // The team row stays locked until the end, so a key cannot join the team between the check
      // and the delete (its insert waits, then fails its foreign key).
      return database.transaction(async (session) => {
        const found = await session.all(`SELECT id FROM teams WHERE id = ?${database.forUpdate}`, [id]);
        if (found.length === 0) return { outcome: 'not_found' as const };
        const [count] = await session.all('SELECT COUNT(*) AS active FROM keys WHERE team_id = ? AND revoked_at IS NULL', [id]);
        const active = Number(count?.active ?? 0);
        if (active > 0) return { outcome: 'has_active_keys' as const, active_keys: active };
        await session.run('DELETE FROM teams WHERE id = ?', [id]);
        return { outcome: 'deleted' as const };
      });
    },

    async createKey(input, now = Date.now()) {
      const fields = validate(keyCreateSchema, input);
      // A public id collision (2^-71 per pair of keys) would fail the unique index; draw again.
      for (let attempt = 1; ; attempt += 1) {
        const generated = generateKey();
        const row: Record<(typeof KEY_COLUMNS)[number], unknown> = {
          id: newId('key'),
          public_id: generated.publicId,
          secret_hash: generated.hash,
          display_prefix: generated.displayPrefix,
          ...fields,
          created_at: now,
          updated_at: now,
          revoked_at: null,
        };
        try {
          await write(() => database.run(insertSql('keys', KEY_COLUMNS), KEY_COLUMNS.map((column) => toColumn(column, row[column]))), {
            foreign_key: () => noSuchTeam(fields.team_id ?? ''),
          });
        } catch (error) {
          if (attempt < 3 && database.violation(error) === 'unique') continue;
          throw error;
        }
        const key = await getKey(String(row.id));
        if (key === undefined) throw new Error(`keys: key ${String(row.id)} vanished after it was created`);
        return { key, rawKey: generated.raw };
      }
    },

    async listKeys(filter = {}) {
      const conditions: string[] = [];
      const params: SqlValue[] = [];
      if (filter.team_id !== undefined) {
        conditions.push('team_id = ?');
        params.push(filter.team_id);
      }
      if (filter.include_revoked !== true) conditions.push('revoked_at IS NULL');
      const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
      return (await database.all(`${KEY_SELECT}${where} ORDER BY created_at, id`, params)).map(keyFromRow);
    },

    getKey,

    async updateKey(id, input, now = Date.now()) {
      const patch = validate(keyPatchSchema, input);
      const set = setClause(patch, now);
      const changed = await write(() => database.run(`UPDATE keys SET ${set.sql} WHERE id = ?`, [...set.params, id]), {
        foreign_key: () => noSuchTeam(patch.team_id ?? ''),
      });
      return changed === 0 ? undefined : getKey(id);
    },

    async revokeKey(id, now = Date.now()) {
      await database.run('UPDATE keys SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL', [now, now, id]);
      return getKey(id);
    },

    async authenticate(rawKey, now = Date.now()): Promise<AuthResult> {
      const parsed = parseKey(rawKey);
      if (parsed === undefined) return { ok: false, reason: 'malformed' };
      const [row] = await database.all(AUTH_SELECT, [parsed.publicId]);
      // Checked before anything else is read from the row: without the secret, a caller learns
      // nothing about a key, not even whether it is revoked.
      const matches = verifyKey(rawKey, row === undefined ? undefined : String(row.secret_hash));
      if (row === undefined || !matches) return { ok: false, reason: 'unknown' };
      const key = keyFromRow(row);
      if (key.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (key.expires_at !== null && key.expires_at <= now) return { ok: false, reason: 'expired' };
      const hasTeam = row.team__id !== null && row.team__id !== undefined;
      return { ok: true, key, team: hasTeam ? teamFromRow(row, 'team__') : null };
    },

    close: () => database.close(),
  };
}
