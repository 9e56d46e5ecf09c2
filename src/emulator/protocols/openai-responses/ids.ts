/**
 * Ids shaped like OpenAI's 2026 ones [conformance openai/responses-text.*]: a prefix, 16 hex digits
 * shared by a response and all its items, `01`, the creation time in hex seconds, 24 random hex
 * digits (`resp_08ddf351751647d6` `01` `69fab1b8` `a7ac81a0…`). Drawn from the request's seeded random
 * source, so a replayed run produces the same ids.
 */
import type { SeededRandom } from '../../random.js';

export type ResponsesIdPrefix = 'resp' | 'msg' | 'fc' | 'rs';

export class ResponsesIds {
  private readonly stem: string;

  constructor(private readonly random: SeededRandom, private readonly createdSeconds: number) {
    this.stem = random.hex(16);
  }

  /** Items are created a moment after their response; `offsetSeconds` keeps that visible. */
  next(prefix: ResponsesIdPrefix, offsetSeconds = 0): string {
    const time = Math.max(0, this.createdSeconds + offsetSeconds).toString(16).padStart(8, '0');
    return `${prefix}_${this.stem}01${time}${this.random.hex(24)}`;
  }
}
