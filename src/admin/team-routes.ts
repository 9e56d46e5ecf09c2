import { GatewayError } from '../errors/catalogue.js';
import { jsonResponse } from '../gateway/http-types.js';
import type { KeyStore, Team, TeamCreate, TeamPatch } from '../keys/index.js';
import type { AdminRouteHandler } from './context.js';
// Bodies are cast to the input types here and validated by the store, which names each bad field.
import { readJsonBody } from './respond.js';

export async function findTeam(store: KeyStore, id: string): Promise<Team> {
  const team = await store.getTeam(id);
  if (team === undefined) throw new GatewayError('team_not_found', `No team has the id "${id}".`);
  return team;
}

export const createTeam: AdminRouteHandler = async ({ store, changed }, request) => {
  const team = await store.createTeam(readJsonBody(request.body) as TeamCreate);
  changed();
  return jsonResponse(201, team);
};

export const listTeams: AdminRouteHandler = async ({ store }) => jsonResponse(200, { object: 'list', data: await store.listTeams() });

export const getTeam: AdminRouteHandler = async ({ store }, _request, id) => jsonResponse(200, await findTeam(store, id));

export const updateTeam: AdminRouteHandler = async ({ store, changed }, request, id) => {
  const team = await store.updateTeam(id, readJsonBody(request.body) as TeamPatch);
  if (team === undefined) throw new GatewayError('team_not_found', `No team has the id "${id}".`);
  changed();
  return jsonResponse(200, team);
};

export const deleteTeam: AdminRouteHandler = async ({ store, changed }, _request, id) => {
  const result = await store.deleteTeam(id);
  if (result.outcome === 'not_found') throw new GatewayError('team_not_found', `No team has the id "${id}".`);
  if (result.outcome === 'has_active_keys') {
    const keys = result.active_keys === 1 ? '1 key that is' : `${result.active_keys} keys that are`;
    throw new GatewayError('team_has_keys', `Team "${id}" still has ${keys} not revoked; revoke them (POST /admin/keys/{id}/revoke) or move them to another team first.`);
  }
  changed();
  return jsonResponse(200, { id, object: 'team', deleted: true });
};

export const teamBudget: AdminRouteHandler = async ({ store, budgetStatus }, _request, id) => {
  const team = await findTeam(store, id);
  if (budgetStatus === undefined) throw budgetsUnavailable();
  return jsonResponse(200, { object: 'budget_status', scope: 'team', id, budgets: await budgetStatus({ kind: 'team', team }) });
};

export function budgetsUnavailable(): GatewayError {
  return new GatewayError('budget_status_unavailable', 'Budget status is not available: this gateway runs without budget enforcement.');
}
