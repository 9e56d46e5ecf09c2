import { ConfigError, loadConfigFile } from '../../config/load.js';
import { PROVIDER_PROFILES } from '../../providers/kinds.js';
import { parseCommandArgs, UsageError, type Command } from '../args.js';
import { printUsage } from './serve.js';

export const configCommand: Command = {
  name: 'config',
  summary: 'check a config file',
  usage: `Usage: switchyard config check FILE

Validates FILE and prints every problem as FILE:LINE:COLUMN: path: message. Exits 0 when the
config is valid, 1 when it is not. Providers without an API key are reported as warnings.`,
  async run(argv) {
    const { help, positionals } = parseCommandArgs(argv, {}, true);
    if (help) return printUsage(this.usage);
    const [action, file, ...rest] = positionals;
    if (action !== 'check') throw new UsageError(action === undefined ? 'config needs a subcommand: check' : `unknown config subcommand "${action}" (known: check)`);
    if (file === undefined) throw new UsageError('config check needs a FILE');
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    try {
      const config = loadConfigFile(file);
      for (const provider of config.providers.values()) {
        if (provider.apiKey === undefined && PROVIDER_PROFILES[provider.kind].requiresKey) {
          process.stderr.write(`${file}: warning: provider "${provider.name}" has no API key (${provider.apiKeySource ?? 'api_key'} is not set)\n`);
        }
      }
      process.stdout.write(`${file}: ok (${config.providers.size} providers, ${config.models.size} models, ${config.routes.size} routes)\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
  },
};
