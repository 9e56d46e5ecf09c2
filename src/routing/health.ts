/**
 * What the gateway knows about each deployment (a `provider/model` target): its circuit breaker,
 * cool-downs from Retry-After or broken credentials, requests in flight, and time to first token.
 * Kept per process and across config reloads (keyed by the deployment's name).
 */

export interface BreakerPolicy {
  consecutiveFailures: number;
  errorRate: number;
  window: number;
  minSamples: number;
  openMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Why a deployment is unavailable now, or undefined when it can take a request. */
export type Unavailability =
  | { reason: 'breaker-open'; until: number }
  | { reason: 'half-open-probe-in-flight'; until: number }
  | { reason: 'cooling-down'; until: number }
  | { reason: 'credentials-rejected'; until: number };

const TTFT_SAMPLES = 64;
const EWMA_WEIGHT = 0.2;

export class DeploymentHealth {
  private outcomes: boolean[] = [];
  private consecutive = 0;
  private state: BreakerState = 'closed';
  private openedUntil = 0;
  private probing = false;
  private coolUntil = 0;
  private credentialsUntil = 0;
  private readonly ttftSamples: number[] = [];
  private ttftEwma: number | undefined;
  inFlight = 0;

  constructor(readonly name: string) {}

  unavailable(now: number): Unavailability | undefined {
    if (this.credentialsUntil > now) return { reason: 'credentials-rejected', until: this.credentialsUntil };
    if (this.state === 'open') {
      if (now < this.openedUntil) return { reason: 'breaker-open', until: this.openedUntil };
      this.state = 'half-open';
    }
    // Half-open lets one probe through at a time; the rest wait for its verdict.
    if (this.state === 'half-open' && this.probing) return { reason: 'half-open-probe-in-flight', until: now + 1_000 };
    if (this.coolUntil > now) return { reason: 'cooling-down', until: this.coolUntil };
    return undefined;
  }

  breakerState(now: number): BreakerState {
    if (this.state === 'open' && now >= this.openedUntil) return 'half-open';
    return this.state;
  }

  /** Call when an attempt starts; pairs with exactly one of succeeded/failed/abandoned. */
  started(): void {
    this.inFlight += 1;
    if (this.state === 'half-open') this.probing = true;
  }

  succeeded(ttftMs: number | undefined): void {
    this.inFlight -= 1;
    this.probing = false;
    // An attempt that started before the breaker opened may still succeed: that does not close it
    // early; only the open time running out, then a probe, does.
    if (this.state !== 'open') this.state = 'closed';
    this.consecutive = 0;
    this.record(true);
    if (ttftMs !== undefined) this.recordTtft(ttftMs);
  }

  /** A failure the deployment is to blame for (5xx, timeout, overload, connection). Returns true when it opened the breaker. */
  failed(policy: BreakerPolicy, now: number): boolean {
    this.inFlight -= 1;
    this.probing = false;
    this.consecutive += 1;
    this.record(false);
    // Late failures of attempts started before it opened do not stretch the open time.
    if (this.state === 'open' && now < this.openedUntil) return false;
    if (this.state === 'half-open' || this.consecutive >= policy.consecutiveFailures || this.errorRateExceeded(policy)) {
      const opened = this.state !== 'open';
      this.state = 'open';
      this.openedUntil = now + policy.openMs;
      this.outcomes = [];
      return opened;
    }
    return false;
  }

  /** The attempt ended without a verdict on the deployment (the caller's 400, a cancelled hedge). */
  abandoned(): void {
    this.inFlight -= 1;
    this.probing = false;
  }

  coolDown(until: number): void {
    this.coolUntil = Math.max(this.coolUntil, until);
  }

  credentialsRejected(until: number): void {
    this.credentialsUntil = until;
  }

  /** Moving average of time to first token, ms; undefined before the first sample. */
  averageTtft(): number | undefined {
    return this.ttftEwma;
  }

  /** 95th percentile of recent times to first token (nearest rank), once there are 20 samples. */
  p95Ttft(): number | undefined {
    if (this.ttftSamples.length < 20) return undefined;
    const sorted = [...this.ttftSamples].sort((a, b) => a - b);
    return sorted[Math.ceil(0.95 * sorted.length) - 1];
  }

  snapshot(now: number): Record<string, unknown> {
    return {
      breaker: this.breakerState(now),
      consecutive_failures: this.consecutive,
      in_flight: this.inFlight,
      ttft_ewma_ms: this.ttftEwma === undefined ? null : Math.round(this.ttftEwma),
      ttft_p95_ms: this.p95Ttft() ?? null,
      cooling_down_ms: Math.max(0, this.coolUntil - now),
      credentials_rejected: this.credentialsUntil > now,
    };
  }

  private record(ok: boolean): void {
    this.outcomes.push(ok);
    if (this.outcomes.length > 64) this.outcomes.splice(0, this.outcomes.length - 64);
  }

  private errorRateExceeded(policy: BreakerPolicy): boolean {
    const recent = this.outcomes.slice(-policy.window);
    if (recent.length < policy.minSamples) return false;
    const failures = recent.filter((ok) => !ok).length;
    return failures / recent.length >= policy.errorRate;
  }

  private recordTtft(ms: number): void {
    this.ttftEwma = this.ttftEwma === undefined ? ms : this.ttftEwma + EWMA_WEIGHT * (ms - this.ttftEwma);
    this.ttftSamples.push(ms);
    if (this.ttftSamples.length > TTFT_SAMPLES) this.ttftSamples.shift();
  }
}

export class HealthRegistry {
  private readonly deployments = new Map<string, DeploymentHealth>();

  get(name: string): DeploymentHealth {
    let health = this.deployments.get(name);
    if (health === undefined) {
      health = new DeploymentHealth(name);
      this.deployments.set(name, health);
    }
    return health;
  }

  snapshot(now: number = Date.now()): Record<string, Record<string, unknown>> {
    return Object.fromEntries([...this.deployments].map(([name, health]) => [name, health.snapshot(now)]));
  }
}
