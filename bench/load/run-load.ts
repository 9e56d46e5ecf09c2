/** Orchestrator side of the load generators: run one as a pinned child and return its JSON result. */
import { benchScript, LOAD_CORE, readJsonLine, spawnChild } from '../lib/children.js';
import type {
  PacedConfig,
  PacedResult,
  SaturateConfig,
  SaturateResult,
  StreamsConfig,
  StreamsResult,
  TtfbConfig,
  TtfbResult,
} from './protocol.js';

async function runLoad<Result>(script: string, config: unknown, timeoutMs: number): Promise<Result> {
  const child = spawnChild({
    name: `load generator ${script}`,
    nodeArgs: [...benchScript(script), JSON.stringify(config)],
    core: LOAD_CORE,
    stdout: 'pipe',
  });
  try {
    return (await readJsonLine(child, timeoutMs)) as Result;
  } finally {
    await child.stop();
  }
}

export const runSaturate = (config: SaturateConfig): Promise<SaturateResult> =>
  runLoad('load/saturate', config, (config.durationSeconds + 30) * 1000);

export const runPaced = (config: PacedConfig): Promise<PacedResult> =>
  runLoad('load/paced', config, (config.seconds + config.warmupSeconds + 40) * 1000);

export const runTtfb = (config: TtfbConfig): Promise<TtfbResult> => runLoad('load/ttfb', config, 150_000);

export const runStreams = (config: StreamsConfig): Promise<StreamsResult> =>
  runLoad('load/streams', config, config.timeoutMs + 30_000);
