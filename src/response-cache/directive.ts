/**
 * What the caller allows the cache to do for one request, from its `Cache-Control` request header
 * (RFC 9111 §5.2.1; `Pragma: no-cache` is the HTTP/1.0 spelling of `no-cache`):
 *
 * - `no-store`: neither read nor write — the answer must not be kept anywhere;
 * - `no-cache` (or `max-age=0`): skip the read, still write — a fresh answer that refreshes the entry;
 * - `max-age=N`: read only entries stored at most N seconds ago;
 * - `only-if-cached`: answer from the cache or not at all (the gateway answers 504 on a miss).
 */
export interface CacheDirective {
  read: boolean;
  write: boolean;
  /** Oldest entry the caller accepts, ms; undefined = any live entry. */
  maxAgeMs: number | undefined;
  onlyIfCached: boolean;
}

const DEFAULT_DIRECTIVE: CacheDirective = Object.freeze({ read: true, write: true, maxAgeMs: undefined, onlyIfCached: false });

export function cacheDirective(headers: Readonly<Record<string, string | string[] | undefined>>): CacheDirective {
  const tokens = [...directives(headers['cache-control']), ...directives(headers.pragma).filter((token) => token === 'no-cache')];
  if (tokens.length === 0) return DEFAULT_DIRECTIVE;
  const directive: CacheDirective = { ...DEFAULT_DIRECTIVE };
  for (const token of tokens) {
    const [name = '', argument] = token.split('=', 2);
    if (name === 'no-store') {
      directive.read = false;
      directive.write = false;
    } else if (name === 'no-cache') {
      directive.read = false;
    } else if (name === 'only-if-cached') {
      directive.onlyIfCached = true;
    } else if (name === 'max-age') {
      const seconds = Number(argument?.replace(/^"|"$/g, ''));
      if (!Number.isInteger(seconds) || seconds < 0) continue;
      if (seconds === 0) directive.read = false;
      else directive.maxAgeMs = Math.min(directive.maxAgeMs ?? Number.POSITIVE_INFINITY, seconds * 1000);
    }
  }
  return directive;
}

/** Lower-cased directive tokens of one header (names are case-insensitive; repeated headers join). */
function directives(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
}
