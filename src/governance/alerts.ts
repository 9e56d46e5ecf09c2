/**
 * Alerts: budget thresholds crossed, budgets exhausted, breakers opened, spend jumps. Each event is
 * posted to every webhook that wants its kind, as JSON or as a Slack-compatible `{text}`, retried
 * with exponential backoff, deduplicated by its key (one alert per threshold per budget window; the
 * budget store already reports each crossing once across replicas), and kept in a bounded list that
 * GET /admin/alerts shows.
 */
import type { AlertEventKind, WebhookConfig } from '../config/types.js';
import type { Logger } from '../logging/logger.js';

export interface AlertEvent {
  kind: AlertEventKind;
  /** Events with the same key are sent once (until `dedupeMs` passes). */
  key: string;
  /** One line for people (the Slack text). */
  summary: string;
  details: Record<string, unknown>;
}

export interface AlertRecord extends AlertEvent {
  time: number;
  /** Per webhook: delivered, or the last error after every retry. */
  deliveries: Array<{ url: string; delivered: boolean; attempts: number; error?: string }>;
}

export interface AlertOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  /** How long a key stays deduplicated; default a day (longer periods are deduplicated by the store). */
  dedupeMs?: number;
  /** Records kept for /admin/alerts. */
  keep?: number;
  post?: (url: string, body: string) => Promise<number>;
  now?: () => number;
}

const postJson = async (url: string, body: string): Promise<number> => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  await response.body?.cancel();
  return response.status;
};

export class AlertDispatcher {
  private readonly sent = new Map<string, number>();
  private readonly records: AlertRecord[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly dedupeMs: number;
  private readonly keep: number;
  private readonly post: (url: string, body: string) => Promise<number>;
  private readonly now: () => number;

  constructor(private webhooks: readonly WebhookConfig[], private readonly logger: Logger, options: AlertOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.dedupeMs = options.dedupeMs ?? 86_400_000;
    this.keep = options.keep ?? 200;
    this.post = options.post ?? postJson;
    this.now = options.now ?? Date.now;
  }

  /** A config reload may change the hooks; deduplication carries over. */
  setWebhooks(webhooks: readonly WebhookConfig[]): void {
    this.webhooks = webhooks;
  }

  /** Sends the event unless its key was sent recently; returns whether it was sent. */
  emit(event: AlertEvent): boolean {
    const now = this.now();
    const last = this.sent.get(event.key);
    if (last !== undefined && now - last < this.dedupeMs) return false;
    this.sent.set(event.key, now);
    if (this.sent.size > 10_000) for (const [key, time] of this.sent) if (now - time >= this.dedupeMs) this.sent.delete(key);
    const record: AlertRecord = { ...event, time: now, deliveries: [] };
    this.records.push(record);
    if (this.records.length > this.keep) this.records.shift();
    this.logger.warn({ alert: event.kind, key: event.key, ...event.details }, event.summary);
    for (const hook of this.webhooks) {
      if (hook.events !== undefined && !hook.events.includes(event.kind)) continue;
      const delivery = this.deliver(hook, record).finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
    return true;
  }

  /** Most recent last. */
  recent(): readonly AlertRecord[] {
    return this.records;
  }

  /** Waits for deliveries in progress (each is bounded by its retries). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async deliver(hook: WebhookConfig, record: AlertRecord): Promise<void> {
    const payload = hook.format === 'slack' ? { text: `[switchyard] ${record.summary}` } : { kind: record.kind, key: record.key, time: new Date(record.time).toISOString(), summary: record.summary, ...record.details };
    const body = JSON.stringify(payload);
    const delivery: AlertRecord['deliveries'][number] = { url: redactUrl(hook.url), delivered: false, attempts: 0 };
    record.deliveries.push(delivery);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      delivery.attempts = attempt;
      try {
        const status = await this.post(hook.url, body);
        if (status >= 200 && status < 300) {
          delivery.delivered = true;
          delete delivery.error;
          return;
        }
        delivery.error = `HTTP ${status}`;
        // A 4xx other than 408/429 will not get better by retrying.
        if (status >= 400 && status < 500 && status !== 408 && status !== 429) break;
      } catch (error) {
        delivery.error = (error as Error).message;
      }
      if (attempt < this.maxAttempts) await new Promise((resolve) => setTimeout(resolve, this.baseDelayMs * 2 ** (attempt - 1)));
    }
    this.logger.error({ alert: record.kind, webhook: delivery.url, attempts: delivery.attempts, error: delivery.error }, 'alert webhook not delivered');
  }
}

/** Webhook URLs carry their secret in the path (Slack) or query: show only the origin. */
function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Spend per clock hour (this replica's), compared with the hour before: a jump of `factor` or more,
 * above `minMicros`, is reported once per hour.
 */
export class SpendJumpDetector {
  private hour = -1;
  private current = 0;
  private previous = 0;

  constructor(private readonly factor: number, private readonly minMicros: number) {}

  /** Adds spend; returns the jump when this addition makes the hour cross the bar. */
  add(micros: number, now: number): { hourStart: number; micros: number; previousMicros: number } | undefined {
    const hour = Math.floor(now / 3_600_000);
    if (hour !== this.hour) {
      this.previous = hour === this.hour + 1 ? this.current : 0;
      this.current = 0;
      this.hour = hour;
    }
    const before = this.current;
    this.current += micros;
    const bar = Math.max(this.minMicros, this.previous * this.factor);
    if (this.previous > 0 && before < bar && this.current >= bar) return { hourStart: hour * 3_600_000, micros: this.current, previousMicros: this.previous };
    return undefined;
  }
}
