import { GatewayError } from '../errors/catalogue.js';
import { LEDGER_GROUPINGS, toCsv, type LedgerFilter, type LedgerGrouping, type LedgerStore } from '../ledger/index.js';
import { jsonResponse, type GatewayRequest, type GatewayResponse } from './http-types.js';

const FILTERS = { key: 'key_id', team: 'team_id', route: 'route', model: 'model', task: 'task_type', session: 'session_id', trace: 'trace_id', provider: 'provider' } as const;

/**
 * GET /v1/usage: what the ledger says, filtered and grouped. Query: `since` / `until` (ISO time or a
 * duration back from now: `7d`, `24h`, `30m`), `group_by` (none, model, route, task, key, team,
 * session, provider, day, hour), the filters key, team, route, model, task, session, trace, provider,
 * and `format=csv`. A virtual key (`onlyKey`) sees its own usage only.
 */
export async function usageReport(store: LedgerStore | undefined, request: GatewayRequest, onlyKey?: string): Promise<GatewayResponse> {
  if (store === undefined) throw new GatewayError('route_not_found', 'The usage ledger is off (ledger.enabled: false), so there is no usage to report.');
  const query = new URLSearchParams(request.query);
  const filter: LedgerFilter = {};
  const since = query.get('since');
  const until = query.get('until');
  if (since !== null) filter.from = parseTime(since, 'since');
  if (until !== null) filter.to = parseTime(until, 'until');
  for (const [parameter, field] of Object.entries(FILTERS)) {
    const value = query.get(parameter);
    if (value !== null) filter[field] = value;
  }
  if (onlyKey !== undefined) {
    // A virtual key sees its own usage only, whatever it asks for.
    if (filter.key_id !== undefined && filter.key_id !== onlyKey) throw new GatewayError('admin_forbidden', 'A virtual key can read its own usage only; the admin key reads everyone\'s.');
    filter.key_id = onlyKey;
  }
  const grouping = (query.get('group_by') ?? 'none') as LedgerGrouping;
  if (!LEDGER_GROUPINGS.includes(grouping)) {
    throw new GatewayError('invalid_request', `group_by must be one of ${LEDGER_GROUPINGS.join(', ')}; got "${grouping}".`, { param: 'group_by' });
  }
  const groups = await store.query(filter, grouping);
  if (query.get('format') === 'csv') {
    return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: Buffer.from(toCsv(groups as unknown as Array<Record<string, unknown>>)) };
  }
  const [efficiency, tasks, sessions] = await Promise.all([store.efficiency(filter), store.tasks(filter, { limit: 20 }), store.sessions(filter, { limit: 20 })]);
  return jsonResponse(200, { object: 'usage', filter, group_by: grouping, groups, efficiency, tasks, sessions });
}

/** An ISO time, epoch ms, or a duration back from now (`7d`, `24h`, `30m`, `45s`). */
export function parseTime(value: string, parameter: string, now: number = Date.now()): number {
  const duration = /^(\d+)([dhms])$/.exec(value);
  if (duration !== null) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 }[duration[2] as 'd' | 'h' | 'm' | 's'];
    return now - Number(duration[1]) * unit;
  }
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(parsed)) throw new GatewayError('invalid_request', `${parameter} must be an ISO time or a duration such as 7d, 24h or 30m; got "${value}".`, { param: parameter });
  return parsed;
}
