/** Command-line options shared by the interleaved benchmarks (bench:metering, bench:cross-protocol). */
import { parseArgs } from 'node:util';
import { UsageError } from '../options.js';

export interface RoundOptions {
  quick: boolean;
  rounds: number;
  /** Seconds of each saturation run. */
  durationSeconds: number;
  /** Seconds of saturation per subject before round 1 (JIT, connection pools, SQLite pages). */
  warmupSeconds: number;
  connections: number;
  /** Open-loop rates of the latency phases, requests/s. */
  chatRate: number;
  streamRate: number;
  pacedSeconds: number;
  /** Sequential streams per time-to-first-byte sample set. */
  ttfbRequests: number;
  ttfbWarmup: number;
  /** Before each round, wait at most this long for other processes to quieten down. */
  quietWaitSeconds: number;
}

export const ROUND_OPTIONS_USAGE = `  --quick              a smoke run: 3 rounds of short phases
  --rounds N           interleaved rounds (default 5, quick 3)
  --duration S         seconds of each saturation run (default 5, quick 2)
  --connections N      autocannon connections at saturation (default 64)
  --rate R             open-loop rate of the non-streaming latency phase (default 400 req/s)
  --stream-rate R      open-loop rate of the streaming latency phase (default 200 req/s)
  --ttfb N             sequential streams per time-to-first-byte sample (default 200, quick 60)
  --quiet-wait S       before each round, wait up to S seconds for other processes to calm down (default 15, quick 3; 0 = never)
  --help               this text`;

function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} needs a positive number, got ${text}`);
  return value;
}

/**
 * Parses the shared options plus `extra` string/boolean flags (returned as given); 'help' for --help.
 */
export function parseRoundOptions<Extra extends Record<string, { type: 'string' | 'boolean' }>>(
  argv: string[],
  extra: Extra,
): { options: RoundOptions; extra: Partial<Record<keyof Extra, string | boolean>> } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        quick: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        rounds: { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        rate: { type: 'string' },
        'stream-rate': { type: 'string' },
        ttfb: { type: 'string' },
        'quiet-wait': { type: 'string' },
        ...extra,
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['help'] === true) return 'help';
  const quick = values['quick'] === true;
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const options: RoundOptions = {
    quick,
    rounds: Math.round(positive('rounds', text('rounds'), quick ? 3 : 5)),
    durationSeconds: positive('duration', text('duration'), quick ? 2 : 5),
    warmupSeconds: quick ? 2 : 4,
    connections: Math.round(positive('connections', text('connections'), 64)),
    chatRate: positive('rate', text('rate'), 400),
    streamRate: positive('stream-rate', text('stream-rate'), 200),
    pacedSeconds: quick ? 2 : 5,
    ttfbRequests: Math.round(positive('ttfb', text('ttfb'), quick ? 60 : 200)),
    ttfbWarmup: quick ? 10 : 30,
    quietWaitSeconds: text('quiet-wait') === '0' ? 0 : positive('quiet-wait', text('quiet-wait'), quick ? 3 : 15),
  };
  const extraValues: Partial<Record<keyof Extra, string | boolean>> = {};
  for (const name of Object.keys(extra) as Array<keyof Extra & string>) {
    const value = values[name];
    if (value !== undefined) extraValues[name] = value;
  }
  return { options, extra: extraValues };
}
