import { loadConfigFile } from '../../config/load.js';
import { watchConfigFile } from '../../config/watch.js';
import { LedgerWriter, openLedgerStore, type LedgerStore } from '../../ledger/index.js';
import { createGateway } from '../../gateway/create-gateway.js';
import { createLogger } from '../../logging/logger.js';
import { PROVIDER_PROFILES } from '../../providers/kinds.js';
import { listen, type RunningServer } from '../../server/node-server.js';
import type { GatewayConfig } from '../../config/types.js';
import { flushLogger, type Logger } from '../../logging/logger.js';
import { parseCommandArgs, parsePort, StartupError, UsageError, type Command } from '../args.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the gateway',
  usage: `Usage: switchyard serve --config FILE [--port N] [--host HOST] [--db URL]

Runs the gateway with the given config file. --port and --host override server.port and
server.host; --db overrides ledger.url (a SQLite path or postgres://…). The file is watched: a valid edit is swapped in without dropping requests, a broken
one is logged and ignored (SIGHUP re-reads it too). SIGTERM or SIGINT drains: no new requests,
in-flight requests and streams finish (up to server.shutdown_grace_ms), then the process exits 0.`,
  async run(argv) {
    const { values, help } = parseCommandArgs(argv, { config: { short: 'c' }, port: { short: 'p' }, host: {}, db: {} });
    if (help) return printUsage(this.usage);
    if (values.config === undefined) throw new UsageError('--config FILE is required');
    const port = parsePort(values.port);
    const config = loadConfigFile(values.config);
    const logger = createLogger(config.server.logLevel);
    const ledger = await openLedger(config, logger, values.db);
    const running = await startGateway(config, logger, { port, host: values.host, ledger });
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
    await untilSignalled(running, logger, ledger === undefined ? [] : [() => closeLedger(ledger, logger)]);
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

export async function startGateway(config: GatewayConfig, logger: Logger, overrides: { port?: number | undefined; host?: string | undefined; ledger?: OpenLedger | undefined }): Promise<RunningServer> {
  for (const provider of config.providers.values()) {
    if (provider.apiKey === undefined && PROVIDER_PROFILES[provider.kind].requiresKey) {
      logger.warn({ provider: provider.name }, `provider "${provider.name}" has no API key (${provider.apiKeySource ?? 'api_key'}); its requests will fail until one is set`);
    }
  }
  const gateway = createGateway(config, { logger, ...(overrides.ledger !== undefined && { ledger: overrides.ledger.writer, usage: overrides.ledger.store }) });
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
