import { loadConfigFile } from '../../config/load.js';
import { watchConfigFile } from '../../config/watch.js';
import { LedgerWriter, openLedgerStore, type LedgerStore } from '../../ledger/index.js';
import { createGateway } from '../../gateway/create-gateway.js';
import { createLogger } from '../../logging/logger.js';
import { PROVIDER_PROFILES } from '../../providers/kinds.js';
import { listen, type RunningServer } from '../../server/node-server.js';
import { Governance } from '../../governance/index.js';
import { openKeyStore, type KeyStore } from '../../keys/index.js';
import { openLimits, waitForRedis } from '../../limits/index.js';
import { openResponseCacheStore, ResponseCache } from '../../response-cache/index.js';
import type { GatewayConfig } from '../../config/types.js';
import { flushLogger, type Logger } from '../../logging/logger.js';
import { parseCommandArgs, parsePort, StartupError, UsageError, type Command } from '../args.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gateway',
  usage: `Usage: switchyard serve --config FILE [--port N] [--host HOST] [--db URL] [--redis URL]

Runs the gateway with the given config file. --port and --host override server.port and
server.host; --db overrides ledger.url (a SQLite path or postgres://…), where the usage ledger,
virtual keys and teams live; --redis overrides governance.redis_url, where rate-limit and budget
counters are shared by every replica (in process without it). The file is watched: a valid edit
is swapped in without dropping requests, a broken one is logged and ignored (SIGHUP re-reads it
too). SIGTERM or SIGINT drains: no new requests, in-flight requests and streams finish (up to
server.shutdown_grace_ms), then the process exits 0.`,
  async run(argv) {
    const { values, help } = parseCommandArgs(argv, { config: { short: 'c' }, port: { short: 'p' }, host: {}, db: {}, redis: {} });
    if (help) return printUsage(this.usage);
    if (values.config === undefined) throw new UsageError('--config FILE is required');
    const port = parsePort(values.port);
    const config = loadConfigFile(values.config);
    const logger = createLogger(config.server.logLevel);
    if (values.redis !== undefined && !/^rediss?:\/\//.test(values.redis)) throw new UsageError(`--redis must be a redis:// or rediss:// URL, got "${values.redis}"`);
    const ledger = await openLedger(config, logger, values.db);
    let governance: OpenGovernance;
    try {
      governance = await openGovernance(config, logger, { databaseUrl: ledger === undefined ? undefined : (values.db ?? config.ledger.url), redisUrl: values.redis });
    } catch (error) {
      if (ledger !== undefined) await closeLedger(ledger, logger);
      throw error;
    }
    const responseCache = openConfiguredResponseCache(config, values.redis);
    const running = await startGateway(config, logger, { port, host: values.host, ledger, governance, responseCache });
    logger.info({ url: running.url, config: values.config }, 'switchyard listening');
    logger.flush();
    const watcher = watchConfigFile(
      values.config,
      (next) => {
        running.gateway.reload(next);
        logger.info({ config: values.config, routes: next.routes.size, models: next.models.size }, 'config reloaded');
      },
      (error) => logger.error({ config: values.config, problems: error.issues.length, error: error.message }, 'config edit refused; the running config keeps serving'),
    );
    const onHangup = (): void => watcher.check();
    process.on('SIGHUP', onHangup);
    await untilSignalled(running, logger, [...(ledger === undefined ? [] : [() => closeLedger(ledger, logger)]), () => governance.close()]);
    watcher.close();
    process.off('SIGHUP', onHangup);
    return 0;
  },
};

export interface OpenLedger {
  store: LedgerStore;
  writer: LedgerWriter;
}

/** The usage ledger the config asks for (or none); an unreachable database stops the start with its reason. */
export async function openLedger(config: GatewayConfig, logger: Logger, urlOverride?: string): Promise<OpenLedger | undefined> {
  if (!config.ledger.enabled && urlOverride === undefined) return undefined;
  const url = urlOverride ?? config.ledger.url;
  let store: LedgerStore;
  try {
    store = await openLedgerStore(url);
  } catch (error) {
    // The store's messages name the file or host:port, never a password.
    throw new StartupError(`cannot open the usage ledger: ${(error as Error).message} (set ledger.url or --db, or ledger.enabled: false)`);
  }
  const writer = new LedgerWriter(store, { windowMs: config.ledger.windowMs });
  logger.info({ ledger: store.kind, window_ms: config.ledger.windowMs }, 'usage ledger open');
  return { store, writer };
}

/** Write out every queued record, then close the database (SIGTERM loses nothing). */
export async function closeLedger(ledger: OpenLedger, logger: Logger): Promise<void> {
  const stats = await ledger.writer.close();
  await ledger.store.close();
  logger.info({ written: stats.written, dropped: stats.dropped, unwritten: stats.queued }, 'usage ledger closed');
}

export interface OpenGovernance {
  governance: Governance;
  keys: KeyStore | undefined;
  close(): Promise<void>;
}

/**
 * Keys in the ledger's database, counters in process or in Redis. Redis that does not answer at
 * start is not fatal: the documented unavailability policy applies until it does.
 */
export async function openGovernance(config: GatewayConfig, logger: Logger, where: { databaseUrl: string | undefined; redisUrl: string | undefined }): Promise<OpenGovernance> {
  let keys: KeyStore | undefined;
  if (where.databaseUrl !== undefined) {
    try {
      keys = await openKeyStore(where.databaseUrl);
    } catch (error) {
      throw new StartupError(`cannot open the key store: ${(error as Error).message}`);
    }
  }
  const redisUrl = where.redisUrl ?? config.governance.redisUrl;
  const limits = openLimits({
    ...(redisUrl !== undefined && { redisUrl }),
    keyPrefix: config.governance.redisKeyPrefix,
    rateLimits: { onUnavailable: config.governance.onRedisUnavailable.rateLimits },
    budgets: { onUnavailable: config.governance.onRedisUnavailable.budgets },
    tasks: { onUnavailable: config.governance.onRedisUnavailable.budgets },
    onUnavailableError: (error) => logger.warn({ err: error.message }, 'shared counters (Redis) unavailable'),
  });
  if (limits.redis !== undefined && !(await waitForRedis(limits.redis, 2_000).then(() => true, () => false))) {
    logger.error({ redis: redactRedis(redisUrl!) }, `Redis does not answer; until it does, budgets ${config.governance.onRedisUnavailable.budgets === 'fail-closed' ? 'refuse calls' : 'are not enforced'} and rate limits ${config.governance.onRedisUnavailable.rateLimits === 'fail-closed' ? 'refuse calls' : 'are not enforced'}`);
  }
  const governance = new Governance({ config: config.governance, keys, limits, logger });
  const required = await governance.keysRequired().catch(() => true);
  if (!required) logger.warn('no virtual keys and no admin key: the gateway is open to clients on this machine only (loopback); create a key with `switchyard keys create` to open it to the network');
  logger.info({ keys: keys?.kind ?? 'none', counters: limits.redis === undefined ? 'in-process' : 'redis', admin_api: config.governance.adminKey !== undefined }, 'governance ready');
  return {
    governance,
    keys,
    async close() {
      await governance.alerts.flush();
      await limits.close();
      await keys?.close();
    },
  };
}

/** The response cache's store when the config asks for SQLite or Redis (memory is the gateway's default). */
export function openConfiguredResponseCache(config: GatewayConfig, redisOverride: string | undefined): ResponseCache | undefined {
  const settings = config.responseCache;
  if (settings.store === 'memory') return undefined;
  const redisUrl = settings.url ?? redisOverride ?? config.governance.redisUrl;
  if (settings.store === 'redis' && redisUrl === undefined) throw new StartupError('response_cache.store is redis but no Redis URL is set (response_cache.url, governance.redis_url or --redis)');
  const store =
    settings.store === 'sqlite'
      ? openResponseCacheStore({ kind: 'sqlite', path: settings.path ?? '.switchyard/response-cache.db', maxEntries: settings.maxEntries, maxBytes: settings.maxBytes })
      : openResponseCacheStore({ kind: 'redis', url: redisUrl!, keyPrefix: `${config.governance.redisKeyPrefix}response-cache:` });
  return new ResponseCache({ store, ttlMs: settings.ttlMs });
}

function redactRedis(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'redis';
  }
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  overrides: { port?: number | undefined; host?: string | undefined; ledger?: OpenLedger | undefined; governance?: OpenGovernance | undefined; responseCache?: ResponseCache | undefined },
): Promise<RunningServer> {
  for (const provider of config.providers.values()) {
    if (provider.apiKey === undefined && PROVIDER_PROFILES[provider.kind].requiresKey) {
      logger.warn({ provider: provider.name }, `provider "${provider.name}" has no API key (${provider.apiKeySource ?? 'api_key'}); its requests will fail until one is set`);
    }
  }
  const gateway = createGateway(config, {
    logger,
    ...(overrides.ledger !== undefined && { ledger: overrides.ledger.writer, usage: overrides.ledger.store }),
    ...(overrides.governance !== undefined && { governance: overrides.governance.governance, keys: overrides.governance.keys }),
    ...(overrides.responseCache !== undefined && { responseCache: overrides.responseCache }),
  });
  return listen(gateway, { host: overrides.host ?? config.server.host, port: overrides.port ?? config.server.port, logger });
}

/** Block until SIGTERM/SIGINT, then drain. A second signal exits at once. */
export async function untilSignalled(running: RunningServer, logger: Logger, alsoClose: Array<() => Promise<void>> = []): Promise<void> {
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'draining');
  const onSecondSignal = (): void => {
    logger.warn('second signal: exiting without draining');
    process.exit(1);
  };
  process.once('SIGTERM', onSecondSignal);
  process.once('SIGINT', onSecondSignal);
  const { forced } = await running.shutdown();
  await Promise.all(alsoClose.map((close) => close()));
  logger.info({ forced }, forced ? 'shutdown: grace period over, open requests were cut' : 'shutdown: all requests finished');
  await flushLogger(logger);
}

export function printUsage(usage: string): number {
  process.stdout.write(`${usage}\n`);
  return 0;
}
