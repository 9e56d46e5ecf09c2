/**
 * Exact money arithmetic. Prices are integers in micro-dollars per million tokens, which is the same
 * number as pico-dollars per token; costs are integers in micro-dollars. Nothing here touches a float
 * after a price has been read, so a ledger summed over a year drifts by nothing but the documented
 * rounding of each record.
 */

const MICROS_PER_DOLLAR = 1_000_000;

/**
 * A USD amount written as a decimal (`2.5`, `0.075`, `"0.003625"`) as exact integer micro-dollars, or
 * undefined when it is negative, not finite, or finer than a micro-dollar. The decimal text is read
 * digit by digit, so 1.005 is 1 005 000 exactly rather than 1.005 × 1e6 = 1004999.9999999999.
 */
export function usdToMicros(value: number | string): number | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  // String(number) is the shortest text that reads back as the same number: what the config author wrote.
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(String(value).trim());
  if (match === null) return undefined;
  const [, whole = '0', fraction = ''] = match;
  const micros = Number(whole) * MICROS_PER_DOLLAR + Number(fraction.padEnd(6, '0'));
  return Number.isSafeInteger(micros) ? micros : undefined;
}

/** Integer micro-dollars as a plain decimal USD string without trailing zeros: 75000 → "0.075". */
export function microsToUsd(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const magnitude = Math.abs(micros);
  const whole = Math.floor(magnitude / MICROS_PER_DOLLAR);
  const fraction = String(magnitude % MICROS_PER_DOLLAR).padStart(6, '0').replace(/0+$/, '');
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** numerator / denominator rounded half-up (ties go up); both non-negative, denominator positive. */
export function divideRoundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

/**
 * Splits exact amounts (in units of 1/denominator) into integers that add up to the rounded total:
 * every part is first rounded down, then the units the total still lacks go to the parts with the
 * largest remainders (earlier parts win ties). Each part stays within one unit of its exact value and
 * a dashboard summing the parts always gets the total.
 */
export function allocateRounded(parts: readonly bigint[], denominator: bigint): { parts: bigint[]; total: bigint } {
  const exactTotal = parts.reduce((sum, part) => sum + part, 0n);
  const total = divideRoundHalfUp(exactTotal, denominator);
  const rounded = parts.map((part) => part / denominator);
  let missing = total - rounded.reduce((sum, part) => sum + part, 0n);
  const byRemainder = parts
    .map((part, index) => ({ index, remainder: part % denominator }))
    .filter((entry) => entry.remainder > 0n)
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (missing <= 0n) break;
    rounded[index] = (rounded[index] ?? 0n) + 1n;
    missing -= 1n;
  }
  return { parts: rounded, total };
}
