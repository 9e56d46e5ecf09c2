/**
 * Interleaved rounds: in every round each phase (say, 5 s of saturation) runs for every subject back
 * to back, in an order that reverses from one round to the next (A B | B A | A B …). A subject and
 * its baseline are thus measured seconds apart, under the same conditions, and neither always goes
 * first. On a shared machine this is what keeps a ratio meaningful: whatever else runs slows both
 * halves of a phase, not one subject's whole run.
 */

export interface RoundResult<Measurement> {
  /** 1-based. */
  round: number;
  /** Subject ids in the order they ran in each phase of this round. */
  order: string[];
  measurements: Record<string, Measurement>;
  seconds: number;
}

/** One phase: measures one subject and stores what it measured in that subject's measurement. */
export interface RoundPhase<Subject, Measurement> {
  name: string;
  run: (subject: Subject, measurement: Partial<Measurement>) => Promise<void>;
}

export interface InterleaveOptions<Subject, Measurement> {
  rounds: number;
  subjects: readonly Subject[];
  id: (subject: Subject) => string;
  /** Run in this order within a round; every phase must fill its part of the measurement. */
  phases: readonly RoundPhase<Subject, Measurement>[];
  /** Runs before each round (e.g. waiting for a quieter machine). */
  beforeRound?: (round: number) => Promise<void>;
  /** The progress line written when a round is complete. */
  describeRound: (result: RoundResult<Measurement>) => string;
  log: (line: string) => void;
}

export async function runInterleaved<Subject, Measurement>(options: InterleaveOptions<Subject, Measurement>): Promise<RoundResult<Measurement>[]> {
  const results: RoundResult<Measurement>[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    await options.beforeRound?.(round);
    const startedAt = performance.now();
    const order = round % 2 === 1 ? [...options.subjects] : [...options.subjects].reverse();
    const partial = new Map<Subject, Partial<Measurement>>(order.map((subject) => [subject, {}]));
    for (const phase of options.phases) {
      for (const subject of order) await phase.run(subject, partial.get(subject)!);
    }
    const measurements: Record<string, Measurement> = {};
    // Every phase has filled its fields by now: the partial is whole.
    for (const subject of order) measurements[options.id(subject)] = partial.get(subject) as Measurement;
    const result: RoundResult<Measurement> = {
      round,
      order: order.map(options.id),
      measurements,
      seconds: Math.round((performance.now() - startedAt) / 100) / 10,
    };
    results.push(result);
    options.log(`round ${round}/${options.rounds} (${result.seconds} s): ${options.describeRound(result)}`);
  }
  return results;
}

/** One subject's series of a figure across the rounds, in round order. */
export function series<Measurement>(results: readonly RoundResult<Measurement>[], id: string, figure: (measurement: Measurement) => number): number[] {
  return results.map((result) => {
    const measurement = result.measurements[id];
    return measurement === undefined ? Number.NaN : figure(measurement);
  });
}
