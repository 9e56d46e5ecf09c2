/**
 * Fault injection. A fault spec comes from the model's config entry or, per request, from the
 * `x-emulator-fault` header (which replaces the config's spec for that request):
 *
 *   x-emulator-fault: status=429; retry_after=2
 *   x-emulator-fault: status=500; rate=0.3
 *   x-emulator-fault: timeout
 *   x-emulator-fault: first_token_delay_ms=800
 *   x-emulator-fault: drop_after=5        (stream: 5 content chunks, then the socket is destroyed)
 *   x-emulator-fault: error_after=5       (stream: 5 content chunks, then the protocol's in-stream error)
 *   x-emulator-fault: error_after=0; error_status=529   (the in-stream error is an overload, not a 500)
 *   x-emulator-fault: status=429; code=insufficient_quota
 *   x-emulator-fault: none                (ignore the model's configured fault)
 *
 * Keys are separated by `;` or `,`. `rate` is the probability that the rest applies; the dice are a
 * seeded generator per model, so a run with the same seed and request order fails the same requests.
 * Delays here are absolute milliseconds, never multiplied by time_scale: a test at time_scale 0
 * still sees them.
 */
import { deriveSeed, SeededRandom } from './random.js';

export interface FaultSpec {
  /** Answer with this HTTP status and the provider's error body instead of a completion. */
  status?: number;
  /** A provider error code variant, e.g. `insufficient_quota` for a non-retryable 429. */
  code?: string;
  /** Probability in [0, 1] that the fault applies to a request; 1 when absent. */
  rate?: number;
  /** Seconds for the Retry-After header of a 429/503/529. */
  retryAfter?: number;
  /** Accept the request and never answer; the socket is held until the client gives up. */
  timeout?: boolean;
  /** Extra delay before the first token (or the whole response), in real milliseconds. */
  firstTokenDelayMs?: number;
  /** Streams: after this many content chunks, destroy the socket. */
  dropAfter?: number;
  /** Streams: after this many content chunks, send the protocol's in-stream error event. */
  errorAfter?: number;
  /** The status whose error `errorAfter` sends (default 500; 529 = Anthropic's overloaded_error). */
  errorStatus?: number;
}

export type FaultHeaderResult = { spec: FaultSpec | 'none' } | { error: string };

const NUMERIC_KEYS: Record<string, keyof FaultSpec> = {
  status: 'status',
  rate: 'rate',
  retry_after: 'retryAfter',
  first_token_delay_ms: 'firstTokenDelayMs',
  drop_after: 'dropAfter',
  error_after: 'errorAfter',
  error_status: 'errorStatus',
};

/** Parse the `x-emulator-fault` header; the error names the part that is wrong. */
export function parseFaultHeader(header: string): FaultHeaderResult {
  const spec: FaultSpec = {};
  const parts = header.split(/[;,]/).map((part) => part.trim()).filter((part) => part.length > 0);
  if (parts.length === 1 && parts[0]?.toLowerCase() === 'none') return { spec: 'none' };
  for (const part of parts) {
    const equals = part.indexOf('=');
    const key = (equals === -1 ? part : part.slice(0, equals)).trim().toLowerCase();
    const value = equals === -1 ? undefined : part.slice(equals + 1).trim();
    if (key === 'timeout') {
      if (value !== undefined && value !== 'true' && value !== 'false') return { error: `x-emulator-fault: timeout takes no value or true/false, got '${value}'` };
      spec.timeout = value !== 'false';
      continue;
    }
    if (key === 'code') {
      if (!value) return { error: 'x-emulator-fault: code needs a value, e.g. code=insufficient_quota' };
      spec.code = value;
      continue;
    }
    const field = NUMERIC_KEYS[key];
    if (field === undefined) return { error: `x-emulator-fault: unknown key '${key}' (known: status, code, rate, retry_after, timeout, first_token_delay_ms, drop_after, error_after, error_status, none)` };
    const number = value === undefined ? Number.NaN : Number(value);
    if (!Number.isFinite(number) || number < 0) return { error: `x-emulator-fault: ${key} needs a non-negative number, got '${value ?? ''}'` };
    if (field === 'rate' && number > 1) return { error: `x-emulator-fault: rate must be between 0 and 1, got ${number}` };
    if ((field === 'status' || field === 'errorStatus') && (number < 100 || number > 599 || !Number.isInteger(number))) return { error: `x-emulator-fault: ${key} must be an HTTP status code, got '${value ?? ''}'` };
    (spec as Record<string, number>)[field] = number;
  }
  return { spec };
}

/** Rolls the `rate` dice, one reproducible sequence per model. */
export class FaultDice {
  private readonly generators = new Map<string, SeededRandom>();

  constructor(private readonly seed: number) {}

  /** The fault to apply to this request, or undefined when there is none or the dice said no. */
  decide(model: string, spec: FaultSpec | undefined): FaultSpec | undefined {
    if (spec === undefined || !hasEffect(spec)) return undefined;
    const rate = spec.rate ?? 1;
    if (rate >= 1) return spec;
    let generator = this.generators.get(model);
    if (generator === undefined) {
      generator = new SeededRandom(deriveSeed('fault', this.seed, model));
      this.generators.set(model, generator);
    }
    return generator.next() < rate ? spec : undefined;
  }
}

function hasEffect(spec: FaultSpec): boolean {
  return spec.status !== undefined || spec.timeout === true || spec.firstTokenDelayMs !== undefined
    || spec.dropAfter !== undefined || spec.errorAfter !== undefined;
}
