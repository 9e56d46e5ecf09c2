import { GatewayError } from '../errors/catalogue.js';
import type { GatewayRequest, GatewayResponse } from '../gateway/http-types.js';
import type { KeyStore } from '../keys/index.js';
import { adminGuard } from './admin-auth.js';
import type { BudgetStatusProvider } from './budget-status.js';
import type { AdminContext, AdminRouteHandler } from './context.js';
import { createKey, getKey, keyBudget, listKeys, revokeKey, updateKey } from './key-routes.js';
import { adminErrorResponse } from './respond.js';
import { jsonResponse } from '../gateway/http-types.js';
import { createTeam, deleteTeam, getTeam, listTeams, teamBudget, updateTeam } from './team-routes.js';

export interface AdminHandlerOptions {
  store: KeyStore;
  /** The admin API's secret (at least 16 characters); undefined or '' turns /admin off. */
  adminKey: string | undefined;
  /** Where budgets stand; without it the budget routes answer 501. */
  budgetStatus?: BudgetStatusProvider;
  /** Called after every change, e.g. `() => authenticator.clear()` so this replica sees it at once. */
  onChange?: () => void;
  /** Recent alerts for GET /admin/alerts. */
  alerts?: () => readonly unknown[];
  /** How to turn the admin API on, appended to the 404 while it is off. */
  enableHint?: string;
}

/** Most recent first. */
const listAlerts: AdminRouteHandler = async ({ alerts }) => jsonResponse(200, { object: 'list', data: alerts === undefined ? [] : [...alerts()].reverse() });

/** Segments after /admin; `:id` captures one segment. */
const ROUTES: ReadonlyArray<{ path: readonly string[]; methods: Readonly<Record<string, AdminRouteHandler>> }> = [
  { path: ['teams'], methods: { GET: listTeams, POST: createTeam } },
  { path: ['teams', ':id'], methods: { GET: getTeam, PATCH: updateTeam, DELETE: deleteTeam } },
  { path: ['teams', ':id', 'budget'], methods: { GET: teamBudget } },
  { path: ['keys'], methods: { GET: listKeys, POST: createKey } },
  { path: ['keys', ':id'], methods: { GET: getKey, PATCH: updateKey, DELETE: revokeKey } },
  { path: ['keys', ':id', 'revoke'], methods: { POST: revokeKey } },
  { path: ['keys', ':id', 'budget'], methods: { GET: keyBudget } },
  { path: ['alerts'], methods: { GET: listAlerts } },
];

function match(segments: readonly string[]): { route: (typeof ROUTES)[number]; id: string } | undefined {
  for (const route of ROUTES) {
    if (route.path.length !== segments.length) continue;
    let id = '';
    const matches = route.path.every((part, index) => {
      if (part !== ':id') return part === segments[index];
      id = segments[index] as string;
      return id !== '';
    });
    if (matches) return { route, id };
  }
  return undefined;
}

function segmentsOf(path: string): string[] | undefined {
  try {
    return path.replace(/^\/admin\/?/, '').replace(/\/$/, '').split('/').map(decodeURIComponent);
  } catch {
    return undefined; // a malformed %-escape names nothing
  }
}

/**
 * The admin API for paths under /admin: teams and keys, and where their budgets stand. Every
 * request needs the admin key (never a virtual key); every answer is JSON, errors as
 * `{ error: { type, code, message } }`.
 */
export function createAdminHandler(options: AdminHandlerOptions): (request: GatewayRequest) => Promise<GatewayResponse> {
  if (options.adminKey === undefined || options.adminKey === '') {
    const hint = options.enableHint ?? 'configure an admin key for the gateway and restart it';
    return async function adminDisabled() {
      return adminErrorResponse(new GatewayError('admin_disabled', `The admin API is disabled because no admin key is configured; to enable it, ${hint}.`));
    };
  }
  const guard = adminGuard(options.adminKey);
  const context: AdminContext = { store: options.store, budgetStatus: options.budgetStatus, changed: options.onChange ?? (() => undefined), alerts: options.alerts };

  return async function adminHandler(request) {
    try {
      const refused = guard(request);
      if (refused !== undefined) throw refused;
      const segments = segmentsOf(request.path);
      const found = segments === undefined ? undefined : match(segments);
      if (found === undefined) throw new GatewayError('route_not_found', `No admin route ${request.method} ${request.path}; see /admin/teams and /admin/keys.`);
      const handler = found.route.methods[request.method];
      if (handler === undefined) {
        const allowed = Object.keys(found.route.methods).join(', ');
        const response = adminErrorResponse(new GatewayError('method_not_allowed', `${request.method} is not allowed on ${request.path}; use ${allowed}.`));
        response.headers.allow = allowed;
        return response;
      }
      return await handler(context, request, found.id);
    } catch (error) {
      return adminErrorResponse(error);
    }
  };
}
