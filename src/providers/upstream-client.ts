import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import { GatewayError } from '../errors/catalogue.js';
import type { ProviderConfig } from '../config/types.js';
import { CancelSignal } from '../util/cancel-signal.js';

export interface UpstreamRequest {
  /** Path and query below the provider's base URL, e.g. `/chat/completions`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  /** The caller's signal: aborting it cancels the upstream request. */
  signal: CancelSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** Stop the total-time budget (call when the response is fully consumed or abandoned). */
  finish(): void;
}

/**
 * One connection pool per provider, kept alive between requests. Timeouts: connect and first byte are
 * enforced by the pool, the idle gap between body chunks too; the total budget by a timer.
 * Every failure becomes a GatewayError whose message names the provider and host only: never a
 * URL query (Gemini keys travel there) or a header.
 */
export class UpstreamClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly host: string;

  constructor(private readonly provider: ProviderConfig) {
    const url = new URL(provider.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.host = url.host;
    this.pool = new Pool(url.origin, {
      connections: provider.maxConnections ?? null,
      connect: { timeout: provider.timeouts.connectMs },
      headersTimeout: provider.timeouts.firstByteMs,
      bodyTimeout: provider.timeouts.idleMs,
      keepAliveTimeout: 30_000,
      pipelining: 1,
    });
  }

  async send(request: UpstreamRequest): Promise<UpstreamResponse> {
    const { signal, detach } = CancelSignal.following(request.signal);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signal.abort(new GatewayError('upstream_timeout', this.describe(`did not finish within total_ms=${this.provider.timeouts.totalMs}`)));
    }, this.provider.timeouts.totalMs);
    const finish = (): void => {
      clearTimeout(timer);
      detach();
    };
    try {
      const response = await this.pool.request({
        method: 'POST',
        path: this.basePath + request.path,
        headers: request.headers,
        body: request.body,
        signal,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body, finish };
    } catch (error) {
      finish();
      throw timedOut || request.signal.aborted ? (signal.reason as Error) : this.classify(error);
    }
  }

  /** Whether this pool was built for exactly these provider settings (so a config reload can keep it). */
  sameSettings(provider: ProviderConfig): boolean {
    return JSON.stringify(provider) === JSON.stringify(this.provider);
  }

  /** A failure while reading a body, mapped like one before the headers. */
  classify(error: unknown): Error {
    if (error instanceof GatewayError) return error;
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof undiciErrors.ConnectTimeoutError) {
      return new GatewayError('upstream_timeout', this.describe(`did not accept a connection within connect_ms=${this.provider.timeouts.connectMs}`), { cause: error });
    }
    if (error instanceof undiciErrors.HeadersTimeoutError) {
      return new GatewayError('upstream_timeout', this.describe(`sent no response within first_byte_ms=${this.provider.timeouts.firstByteMs}`), { cause: error });
    }
    if (error instanceof undiciErrors.BodyTimeoutError) {
      return new GatewayError('upstream_timeout', this.describe(`went silent for idle_ms=${this.provider.timeouts.idleMs} mid-response`), { cause: error });
    }
    const reason = code !== '' ? code : (error as Error).name;
    return new GatewayError('upstream_unreachable', this.describe(`could not be reached (${reason})`), { cause: error });
  }

  private describe(what: string): string {
    return `provider "${this.provider.name}" at ${this.host} ${what}`;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  destroy(): Promise<void> {
    return this.pool.destroy();
  }
}
