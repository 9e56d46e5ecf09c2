import { randomUUID } from 'node:crypto';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keep a caller's x-request-id when it is safe to echo and log; otherwise mint one. */
export function requestIdFor(header: string | undefined): string {
  return header !== undefined && SAFE_REQUEST_ID.test(header) ? header : `req_${randomUUID().replaceAll('-', '')}`;
}
