import { readFileSync } from 'node:fs';
import { ConfigError } from '../config/load.js';
import { StartupError, UsageError, type Command } from './args.js';
import { configCommand } from './commands/config-check.js';
import { demoCommand } from './commands/demo.js';
import { emulateCommand } from './commands/emulate.js';
import { keysCommand } from './commands/keys.js';
import { usageCommand } from './commands/usage.js';
import { serveCommand } from './commands/serve.js';

const COMMANDS: Command[] = [serveCommand, demoCommand, emulateCommand, configCommand, keysCommand, usageCommand];

function topUsage(): string {
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`);
  return `Usage: switchyard <command> [options]

Commands:
${lines.join('\n')}

Run 'switchyard <command> --help' for a command's options.`;
}

/** Exit codes: 0 success, 1 failure (bad config, unreachable dependency), 2 command-line misuse. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${topUsage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name}"`);
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`switchyard: ${error.message}\n\n${command?.usage ?? topUsage()}\n`);
      return 2;
    }
    if (error instanceof StartupError) {
      process.stderr.write(`switchyard: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`switchyard: invalid config\n${error.message}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      process.stderr.write(`switchyard: cannot listen: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
