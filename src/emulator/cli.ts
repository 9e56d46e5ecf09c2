/**
 * Run the emulator on its own: `node --import tsx src/emulator/cli.ts --port 4010 --config emulator.yaml`
 * (or the compiled `dist/src/emulator/cli.js`). Prints one JSON line per request on stdout and
 * stops cleanly on SIGINT/SIGTERM. The gateway's own CLI can call `runEmulatorCli` for `switchyard emulator`.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEmulatorConfig, startEmulator, type EmulatorOptions, type RunningEmulator } from './index.js';

export async function runEmulatorCli(argv: string[]): Promise<RunningEmulator> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      config: { type: 'string' },
      'time-scale': { type: 'string' },
      seed: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const options: EmulatorOptions = {
    port: Number(values.port),
    host: values.host,
    logger: values.quiet ? undefined : (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  };
  if (values.config !== undefined) options.config = loadEmulatorConfig(values.config);
  if (values['time-scale'] !== undefined) options.timeScale = Number(values['time-scale']);
  if (values.seed !== undefined) options.seed = Number(values.seed);
  const emulator = await startEmulator(options);
  process.stdout.write(`${JSON.stringify({ message: 'emulator listening', url: emulator.url, openai_base_url: `${emulator.url}/openai/v1` })}\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return emulator;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runEmulatorCli(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
