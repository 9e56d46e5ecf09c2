/**
 * One error catalogue for the whole gateway: every failure has a stable code, an HTTP status and a
 * provider-neutral kind. Protocol codecs render it in the caller's dialect at the inbound edge.
 */

/** Provider-neutral error classes; each protocol maps them to its own `type` / `status` names. */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'request_too_large'
  | 'rate_limit'
  | 'overloaded'
  | 'server_error'
  | 'timeout'
  | 'unavailable';

interface CatalogueEntry {
  status: number;
  kind: ErrorKind;
}

/** Stable codes; documented in docs/errors.md. */
export const ERROR_CATALOGUE = {
  invalid_json: { status: 400, kind: 'invalid_request' },
  invalid_request: { status: 400, kind: 'invalid_request' },
  missing_model: { status: 400, kind: 'invalid_request' },
  unsupported_feature: { status: 400, kind: 'invalid_request' },
  model_not_found: { status: 404, kind: 'not_found' },
  route_not_found: { status: 404, kind: 'not_found' },
  method_not_allowed: { status: 405, kind: 'invalid_request' },
  body_too_large: { status: 413, kind: 'request_too_large' },
  unsupported_media_type: { status: 415, kind: 'invalid_request' },
  upstream_unreachable: { status: 502, kind: 'unavailable' },
  upstream_bad_response: { status: 502, kind: 'server_error' },
  upstream_credentials: { status: 502, kind: 'server_error' },
  upstream_timeout: { status: 504, kind: 'timeout' },
  shutting_down: { status: 503, kind: 'unavailable' },
  no_deployment_available: { status: 503, kind: 'unavailable' },
  internal_error: { status: 500, kind: 'server_error' },
  // Virtual keys and the admin API (src/keys, src/admin).
  invalid_api_key: { status: 401, kind: 'authentication' },
  admin_disabled: { status: 404, kind: 'not_found' },
  admin_unauthorized: { status: 401, kind: 'authentication' },
  admin_forbidden: { status: 403, kind: 'permission' },
  team_not_found: { status: 404, kind: 'not_found' },
  key_not_found: { status: 404, kind: 'not_found' },
  team_name_taken: { status: 409, kind: 'invalid_request' },
  team_has_keys: { status: 409, kind: 'invalid_request' },
  budget_status_unavailable: { status: 501, kind: 'unavailable' },
  // Governance on model calls (src/governance).
  model_not_allowed: { status: 403, kind: 'permission' },
  rate_limited: { status: 429, kind: 'rate_limit' },
  budget_exceeded: { status: 429, kind: 'rate_limit' },
  task_budget_exceeded: { status: 429, kind: 'rate_limit' },
  counter_store_unavailable: { status: 503, kind: 'unavailable' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An error raised by the gateway itself (as opposed to one a provider returned). */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly kind: ErrorKind;
  /** The request field at fault, where there is one (OpenAI's `param`). */
  readonly param: string | undefined;
  /** Seconds the caller should wait before retrying, passed on as Retry-After. */
  readonly retryAfter: string | undefined;

  /** Extra response headers (e.g. x-ratelimit-*). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: ErrorCode, message: string, options: { param?: string; retryAfter?: string; cause?: unknown; headers?: Record<string, string> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.kind = ERROR_CATALOGUE[code].kind;
    this.param = options.param;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers;
  }
}

/**
 * What the gateway knows about a provider's error response, whatever its protocol: retry logic
 * reads only this, and the caller's codec renders it.
 */
export interface UpstreamErrorInfo {
  status: number;
  kind: ErrorKind;
  message: string;
  /** The provider's own error type or code (`insufficient_quota`, `overloaded_error`, `RESOURCE_EXHAUSTED`). */
  providerCode?: string;
  param?: string;
  retryAfter?: string;
  /** False for errors that will fail the same way again (`insufficient_quota`, a 400). */
  retryable: boolean;
}

/** A provider-neutral error as a codec renders it: a gateway error or an upstream one. */
export interface RenderableError {
  status: number;
  kind: ErrorKind;
  message: string;
  /** Stable gateway code or the provider's code. */
  code?: string;
  param?: string;
  retryAfter?: string;
}

export function kindForStatus(status: number): ErrorKind {
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit';
  if (status === 529 || status === 503) return 'overloaded';
  if (status === 504 || status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}

export function toRenderable(error: GatewayError): RenderableError {
  return {
    status: error.status,
    kind: error.kind,
    message: error.message,
    code: error.code,
    ...(error.param !== undefined && { param: error.param }),
    ...(error.retryAfter !== undefined && { retryAfter: error.retryAfter }),
  };
}
