import { createLogger } from '../../logging/logger.js';
import { parseCommandArgs, parseNonNegative, parsePort, type Command } from '../args.js';
import { printUsage } from './serve.js';

export const emulateCommand: Command = {
  name: 'emulate',
  summary: 'run the provider emulator on its own',
  usage: `Usage: switchyard emulate [--port N] [--host HOST] [--config FILE] [--time-scale X]

Serves the providers' wire formats offline: OpenAI Chat Completions under /openai/v1 and Azure
OpenAI under /azure/openai/deployments/{name}. --time-scale multiplies every simulated delay
(0 = instant, 1 = realistic; default from the config, else 1). Fault injection by header:
x-emulator-fault (see the README). Recorded requests: GET /_emulator/requests.`,
  async run(argv) {
    const { values, help } = parseCommandArgs(argv, {
      port: { short: 'p' },
      host: {},
      config: { short: 'c' },
      'time-scale': {},
    });
    if (help) return printUsage(this.usage);
    const port = parsePort(values.port) ?? 4010;
    const timeScale = parseNonNegative(values['time-scale'], '--time-scale');
    const { loadEmulatorConfig, startEmulator } = await import('../../emulator/index.js');
    const config = values.config === undefined ? undefined : loadEmulatorConfig(values.config);
    const logger = createLogger('info');
    const emulator = await startEmulator({
      port,
      host: values.host ?? '127.0.0.1',
      ...(config !== undefined && { config }),
      ...(timeScale !== undefined && { timeScale }),
      logger: (line) => logger.info(line, 'emulator'),
    });
    logger.info({ url: emulator.url }, 'emulator listening');
    logger.flush();
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => resolve());
      process.once('SIGINT', () => resolve());
    });
    await emulator.close();
    return 0;
  },
};
