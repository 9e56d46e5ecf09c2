import { GatewayError } from '../errors/catalogue.js';
import { jsonResponse, type GatewayResponse } from '../gateway/http-types.js';
import { KeyConflictError, KeyValidationError } from '../keys/index.js';

/**
 * `{ error: { type, code, message } }`: `type` is the catalogue's kind, `code` its stable code;
 * validation errors add `param` (the first field at fault) and `issues` (every field).
 */
export function adminErrorResponse(error: unknown): GatewayResponse {
  if (error instanceof KeyValidationError) {
    const first = error.issues[0]?.path;
    return jsonResponse(400, {
      error: { type: 'invalid_request', code: 'invalid_request', message: error.message, ...(first ? { param: first } : {}), issues: error.issues },
    });
  }
  const known = error instanceof KeyConflictError ? new GatewayError(error.code, error.message) : error;
  if (known instanceof GatewayError) {
    const headers: Record<string, string> = known.code === 'admin_unauthorized' ? { 'www-authenticate': 'Bearer realm="switchyard-admin"' } : {};
    return jsonResponse(known.status, { error: { type: known.kind, code: known.code, message: known.message, ...(known.param ? { param: known.param } : {}) } }, headers);
  }
  const reason = error instanceof Error ? error.message : String(error);
  return jsonResponse(500, { error: { type: 'server_error', code: 'internal_error', message: `The admin request failed: ${reason}` } });
}

/** The request body as JSON; an empty body is `{}` (a key with no limits, a patch changing nothing). */
export function readJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new GatewayError('invalid_json', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}
