import { parseArgs } from 'node:util';

/** A mistake on the command line: printed with the command's usage, exit code 2. */
/** A command that cannot start for a reason outside the command line (exit 1, message only). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}

/** Every option of the CLI takes a value; `short` is its one-letter alias. */
type StringOptions = Record<string, { short?: string }>;

export interface ParsedArgs<K extends string> {
  values: Partial<Record<K, string>>;
  help: boolean;
  positionals: string[];
}

/** Strict parsing: unknown flags and missing values are usage errors, `--help` is always known. */
export function parseCommandArgs<K extends string>(argv: string[], options: Record<K, { short?: string }>, allowPositionals = false): ParsedArgs<K> {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, option] of Object.entries(options as StringOptions)) config[name] = { type: 'string', ...option };
  try {
    const parsed = parseArgs({ args: argv, options: config, strict: true, allowPositionals });
    const { help, ...values } = parsed.values as Record<string, string | boolean | undefined>;
    return { values: values as Partial<Record<K, string>>, help: help === true, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

export function parsePort(value: string | undefined, flag = '--port'): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`${flag} must be a whole number from 0 to 65535, got "${value}"`);
  return Number(value);
}

export function parseNonNegative(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) throw new UsageError(`${flag} must be a number ≥ 0, got "${value}"`);
  return number;
}
