/** Command-line options of `npm run bench` (`node dist/bench/run.js [options]`). */

export interface BenchOptions {
  quick: boolean;
  /** Subject ids to run, or null for all. */
  only: string[] | null;
  /** Seconds of the measured saturation run. */
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** Fixed open-loop rate of the latency phase, requests/s. */
  pacedRate: number;
  pacedSeconds: number;
  ttfbRequests: number;
  ttfbWarmup: number;
  /** Concurrent slow streams of the memory phase. */
  streams: number;
  streamChunkIntervalMs: number;
}

export const USAGE = `Usage: npm run bench -- [options]
  --quick              short durations (a smoke run, about 20 s per subject)
  --only a,b           run only these subjects: direct, bare-proxy, parse-proxy, switchyard, portkey
  --duration S         seconds of each saturation run (default 8, quick 3)
  --connections N      autocannon connections at saturation (default 100)
  --rate R             open-loop rate of the latency phase (default 500 req/s)
  --streams N          concurrent slow streams of the memory phase (default 1000)
  --help               this text`;

/** A mistake on the command line: reported as one line, without a stack. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function numberAfter(argv: string[], index: number, flag: string): number {
  const value = Number(argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`${flag} needs a positive number`);
  return value;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    quick,
    only: null,
    durationSeconds: quick ? 3 : 8,
    warmupSeconds: quick ? 1 : 2,
    connections: 100,
    pacedRate: 500,
    pacedSeconds: quick ? 3 : 10,
    ttfbRequests: quick ? 100 : 300,
    ttfbWarmup: quick ? 20 : 50,
    streams: 1000,
    streamChunkIntervalMs: 100,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const flag = argv[index];
    switch (flag) {
      case '--quick':
        break;
      case '--help':
      case '-h':
        return 'help';
      case '--only':
        options.only = (argv[index + 1] ?? '').split(',').map((id) => id.trim()).filter((id) => id.length > 0);
        index += 1;
        break;
      case '--duration':
        options.durationSeconds = numberAfter(argv, index, flag);
        index += 1;
        break;
      case '--connections':
        options.connections = Math.round(numberAfter(argv, index, flag));
        index += 1;
        break;
      case '--rate':
        options.pacedRate = numberAfter(argv, index, flag);
        index += 1;
        break;
      case '--streams':
        options.streams = Math.round(numberAfter(argv, index, flag));
        index += 1;
        break;
      default:
        throw new UsageError(`unknown option ${String(flag)}\n${USAGE}`);
    }
  }
  return options;
}
