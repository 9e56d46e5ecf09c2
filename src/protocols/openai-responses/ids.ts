import { randomBytes } from 'node:crypto';

/**
 * Ids a Responses client expects: `resp_…` for the response, `msg_…` / `fc_…` / `rs_…` for output
 * items. They are derived from the upstream response id (or the gateway request id) so one response's
 * ids are stable and traceable; tool-call ids (`call_id`) are never invented here, they are the
 * canonical ids the client will send back.
 */
export function responsesId(id: string): string {
  if (id.startsWith('resp_')) return id;
  const base = idBase(id);
  return `resp_${base === '' ? randomBytes(12).toString('hex') : base}`;
}

/** The part of an id usable inside other ids: letters, digits, `-` and `_`. */
export function idBase(id: string): string {
  return id.replace(/^resp_/, '').replace(/[^A-Za-z0-9_-]/g, '');
}

export type ItemKind = 'msg' | 'fc' | 'rs' | 'call';

export class ItemIds {
  private count = 0;
  constructor(private readonly base: string) {}

  next(kind: ItemKind): string {
    return `${kind}_${this.base}_${this.count++}`;
  }
}
