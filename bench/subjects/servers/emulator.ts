/**
 * The provider emulator (src/emulator) as a benchmark child process, run beside the load generators:
 * instant answers (time_scale 0) from one extra model, `bench-model`, that never reasons, so every
 * request costs the emulator the same work whichever client or proxy sent it. Request recording is
 * kept to a small ring so a long run does not grow the emulator's heap.
 *
 * Usage: node emulator.js   (prints {"port":N} on stdout when listening)
 */
import { startEmulator } from '../../../src/emulator/index.js';

/** The model the emulator serves to every subject; `[[tokens: N]]` in the prompt sets the answer's length. */
export const EMULATOR_MODEL = 'bench-model';

const emulator = await startEmulator({
  port: 0,
  timeScale: 0,
  seed: 7,
  config: {
    record_limit: 16,
    models: { [EMULATOR_MODEL]: { reasoning: false, context_window: 128_000, max_output: 4_096, owned_by: 'bench' } },
  },
});
process.stdout.write(`${JSON.stringify({ port: emulator.port })}\n`);
process.on('SIGTERM', () => {
  void emulator.close().finally(() => process.exit(0));
});
