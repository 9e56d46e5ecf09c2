import { GatewayError } from '../errors/catalogue.js';
import { jsonResponse } from '../gateway/http-types.js';
import type { KeyCreate, KeyPatch, KeyStore, VirtualKey } from '../keys/index.js';
import type { AdminRouteHandler } from './context.js';
// Bodies are cast to the input types here and validated by the store, which names each bad field.
import { readJsonBody } from './respond.js';
import { budgetsUnavailable, findTeam } from './team-routes.js';

async function findKey(store: KeyStore, id: string): Promise<VirtualKey> {
  const key = await store.getKey(id);
  if (key === undefined) throw new GatewayError('key_not_found', `No key has the id "${id}".`);
  return key;
}

/** 201 with the raw key: the only response that ever carries it. */
export const createKey: AdminRouteHandler = async ({ store, changed }, request) => {
  const { key, rawKey } = await store.createKey(readJsonBody(request.body) as KeyCreate);
  changed();
  return jsonResponse(201, { ...key, key: rawKey, notice: 'Store this key now: it is shown only once and cannot be recovered.' }, { 'cache-control': 'no-store' });
};

const LIST_PARAMETERS = new Set(['team_id', 'include_revoked']);

/** Query: `team_id` (only that team's keys), `include_revoked=true` (revoked keys too). */
export const listKeys: AdminRouteHandler = async ({ store }, request) => {
  const query = new URLSearchParams(request.query);
  for (const name of query.keys()) {
    if (!LIST_PARAMETERS.has(name)) throw new GatewayError('invalid_request', `Unknown query parameter "${name}"; known: team_id, include_revoked.`, { param: name });
  }
  const includeRevoked = query.get('include_revoked');
  if (includeRevoked !== null && includeRevoked !== 'true' && includeRevoked !== 'false') {
    throw new GatewayError('invalid_request', `include_revoked must be true or false; got "${includeRevoked}".`, { param: 'include_revoked' });
  }
  const teamId = query.get('team_id');
  if (teamId !== null) await findTeam(store, teamId);
  const keys = await store.listKeys({ ...(teamId !== null && { team_id: teamId }), include_revoked: includeRevoked === 'true' });
  return jsonResponse(200, { object: 'list', data: keys });
};

export const getKey: AdminRouteHandler = async ({ store }, _request, id) => jsonResponse(200, await findKey(store, id));

export const updateKey: AdminRouteHandler = async ({ store, changed }, request, id) => {
  const key = await store.updateKey(id, readJsonBody(request.body) as KeyPatch);
  if (key === undefined) throw new GatewayError('key_not_found', `No key has the id "${id}".`);
  changed();
  return jsonResponse(200, key);
};

/** POST …/revoke and DELETE: revocation is final and idempotent (the first time is kept). */
export const revokeKey: AdminRouteHandler = async ({ store, changed }, _request, id) => {
  const key = await store.revokeKey(id);
  if (key === undefined) throw new GatewayError('key_not_found', `No key has the id "${id}".`);
  changed();
  return jsonResponse(200, key);
};

export const keyBudget: AdminRouteHandler = async ({ store, budgetStatus }, _request, id) => {
  const key = await findKey(store, id);
  if (budgetStatus === undefined) throw budgetsUnavailable();
  const team = key.team_id === null ? null : ((await store.getTeam(key.team_id)) ?? null);
  return jsonResponse(200, { object: 'budget_status', scope: 'key', id, budgets: await budgetStatus({ kind: 'key', key, team }) });
};
