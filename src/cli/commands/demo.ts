import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../config/load.js';
import { createLogger } from '../../logging/logger.js';
import { parseCommandArgs, parsePort, type Command } from '../args.js';
import { closeLedger, openGovernance, openLedger, printUsage, startGateway, untilSignalled } from './serve.js';

/** The bundled demo config; its providers point at ${SWITCHYARD_EMULATOR_URL}. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../../../config/demo.yaml', import.meta.url));

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the emulator and the gateway together, no keys needed',
  usage: `Usage: switchyard demo [--port N]

Starts the provider emulator and the gateway with the bundled config (config/demo.yaml) and prints
copy-paste examples. The gateway listens on --port (default 8080); the emulator on a free port.`,
  async run(argv) {
    const { values, help } = parseCommandArgs(argv, { port: { short: 'p' } });
    if (help) return printUsage(this.usage);
    const port = parsePort(values.port) ?? 8080;
    const logger = createLogger(process.env.SWITCHYARD_LOG_LEVEL ?? 'warn');
    // Loaded on demand: `serve` never pays for the emulator's tokenizer tables.
    const { startEmulator } = await import('../../emulator/index.js');
    const emulator = await startEmulator({ port: 0, host: '127.0.0.1', timeScale: 1 });
    const config = loadConfigFile(DEMO_CONFIG_PATH, { env: { ...process.env, SWITCHYARD_EMULATOR_URL: emulator.url } });
    const ledger = await openLedger(config, logger);
    const governance = await openGovernance(config, logger, { databaseUrl: ledger === undefined ? undefined : config.ledger.url, redisUrl: undefined });
    const running = await startGateway(config, logger, { port, ledger, governance });
    process.stdout.write(demoBanner(running.url, emulator.url, [...config.routes.keys()]));
    await untilSignalled(running, logger, [() => emulator.close(), ...(ledger === undefined ? [] : [() => closeLedger(ledger, logger)]), () => governance.close()]);
    return 0;
  },
};

function demoBanner(url: string, emulatorUrl: string, routes: string[]): string {
  return `
Switchyard is running at ${url}  (provider emulator at ${emulatorUrl})
Routes: ${routes.join(', ')}   ·   models: ${url}/v1/models   ·   Ctrl-C to stop

1) curl
   curl -s ${url}/v1/chat/completions -H 'content-type: application/json' \\
     -d '{"model":"default","messages":[{"role":"user","content":"Say hello"}]}'

2) the openai SDK (npm install openai)
   node --input-type=module -e '
     import OpenAI from "openai";
     const client = new OpenAI({ baseURL: "${url}/v1", apiKey: "unused" });
     const reply = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "Say hello" }] });
     console.log(reply.choices[0].message.content);'

3) streaming
   curl -sN ${url}/v1/chat/completions -H 'content-type: application/json' \\
     -d '{"model":"default","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Tell me a story [[tokens: 120]]"}]}'

`;
}
