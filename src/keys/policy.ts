import { z } from 'zod';

/**
 * What a team or key may do, as validated data: model and route allow-lists, rate limits, spend
 * budgets and a per-task budget. The schemas are strict (an unknown field is an error, so a typo
 * never silently drops a limit) and their messages name the field. Field names are snake_case, as
 * stored and as the admin API speaks them.
 */

export const BUDGET_PERIODS = ['day', 'week', 'month', 'total'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];
export const DEFAULT_THRESHOLDS: readonly number[] = [0.5, 0.8, 1];

/** PostgreSQL INTEGER; far above any real per-minute limit. */
const MAX_RATE = 2_147_483_647;
const MAX_USD = 1_000_000_000;
const MAX_METADATA_BYTES = 16_384;

const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

/** An exact name, or a glob where `*` matches any run of characters (`anthropic/*`, `*-mini`). */
const pattern = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^\S*$/, 'must not contain whitespace');

/** null: everything is allowed; [] allows nothing. */
const patternList = z.array(pattern, { error: 'must be a list of names or globs, or null for all' }).max(1000, 'must have at most 1000 entries');

const rate = z
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .positive('must be at least 1 (null removes the limit)')
  .max(MAX_RATE, `must be at most ${MAX_RATE}`);

/** USD with at most 6 decimals, so it converts exactly to the ledger's integer micro-dollars. */
const usd = z
  .number({ error: 'must be a number of US dollars' })
  .positive('must be greater than 0')
  .max(MAX_USD, `must be at most ${MAX_USD}`)
  .refine((value) => Number(value.toFixed(6)) === value, 'must have at most 6 decimal places (micro-dollars)');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const timezone = z.string({ error: 'must be an IANA time zone name' }).refine(isTimeZone, 'must be an IANA time zone such as UTC or Europe/Paris');

const thresholds = z
  .array(z.number({ error: 'must be a number' }).gt(0, 'must be greater than 0').lte(10, 'must be at most 10 (1 is the whole limit)'), {
    error: 'must be a list of fractions of the limit, e.g. [0.5, 0.8, 1]',
  })
  .min(1, 'must have at least one entry')
  .max(10, 'must have at most 10 entries')
  .refine((list) => list.every((value, index) => index === 0 || value > (list[index - 1] as number)), 'must be in increasing order without repeats');

const routeName = text(200).regex(/^\S*$/, 'must not contain whitespace');

/** What happens when a limit is reached: refuse, or serve the request on a cheaper route. */
const limitAction = z.union([z.literal('block'), z.strictObject({ downgrade_to: routeName })], {
  error: `must be "block" or { "downgrade_to": "<route>" }`,
});
export type LimitAction = z.output<typeof limitAction>;

export const budgetSchema = z.strictObject({
  period: z.enum(BUDGET_PERIODS, { error: `must be one of ${BUDGET_PERIODS.join(', ')}` }),
  limit_usd: usd,
  /** Where the period's day, week (from Monday) and month start; ignored for `total`. */
  timezone: timezone.default('UTC'),
  /** Fractions of the limit at which the spend is reported (alerts). */
  thresholds: thresholds.default([...DEFAULT_THRESHOLDS]),
  on_exhausted: limitAction.default('block'),
});
export type Budget = z.output<typeof budgetSchema>;

const budgets = z
  .array(budgetSchema, { error: 'must be a list of budgets' })
  .max(BUDGET_PERIODS.length, `must have at most ${BUDGET_PERIODS.length} entries, one per period`)
  .superRefine((list, context) => {
    list.forEach((budget, index) => {
      if (list.findIndex((other) => other.period === budget.period) !== index) {
        context.addIssue({ code: 'custom', path: [index, 'period'], message: `"${budget.period}" appears twice; keep one budget per period` });
      }
    });
  });

/** A ceiling on one task (one trace): tokens, cost, or both. */
export const taskBudgetSchema = z
  .strictObject({
    max_tokens: rate.optional(),
    max_cost_usd: usd.optional(),
    on_exceeded: limitAction.default('block'),
  })
  .refine((value) => value.max_tokens !== undefined || value.max_cost_usd !== undefined, 'needs max_tokens, max_cost_usd or both');
export type TaskBudget = z.output<typeof taskBudgetSchema>;

const metadata = z
  .record(z.string(), z.json(), { error: 'must be a JSON object' })
  .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= MAX_METADATA_BYTES, `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);

/** An absolute time: ms since the epoch, or an ISO 8601 time with a zone (`2026-01-31T00:00:00Z`). */
const instant = z.union(
  [
    z.number().int().nonnegative(),
    z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
  ],
  { error: 'must be ms since the epoch or an ISO 8601 time with a zone, e.g. 2026-01-31T00:00:00Z' },
);

const policyFields = {
  allowed_models: patternList.nullable(),
  allowed_routes: patternList.nullable(),
  rpm: rate.nullable(),
  tpm: rate.nullable(),
  budgets,
  metadata,
};

export const teamCreateSchema = z.strictObject({
  name: text(128),
  allowed_models: policyFields.allowed_models.default(null),
  allowed_routes: policyFields.allowed_routes.default(null),
  rpm: policyFields.rpm.default(null),
  tpm: policyFields.tpm.default(null),
  budgets: budgets.default([]),
  metadata: metadata.default({}),
});
export type TeamCreate = z.input<typeof teamCreateSchema>;
export type TeamFields = z.output<typeof teamCreateSchema>;

export const teamPatchSchema = z.strictObject({
  name: text(128).optional(),
  allowed_models: policyFields.allowed_models.optional(),
  allowed_routes: policyFields.allowed_routes.optional(),
  rpm: policyFields.rpm.optional(),
  tpm: policyFields.tpm.optional(),
  budgets: budgets.optional(),
  metadata: metadata.optional(),
});
export type TeamPatch = z.input<typeof teamPatchSchema>;

export const keyCreateSchema = z.strictObject({
  name: text(128).nullable().default(null),
  team_id: text(64).nullable().default(null),
  allowed_models: policyFields.allowed_models.default(null),
  allowed_routes: policyFields.allowed_routes.default(null),
  rpm: policyFields.rpm.default(null),
  tpm: policyFields.tpm.default(null),
  budgets: budgets.default([]),
  task_budget: taskBudgetSchema.nullable().default(null),
  metadata: metadata.default({}),
  expires_at: instant.nullable().default(null),
});
export type KeyCreate = z.input<typeof keyCreateSchema>;
export type KeyFields = z.output<typeof keyCreateSchema>;

export const keyPatchSchema = z.strictObject({
  name: text(128).nullable().optional(),
  team_id: text(64).nullable().optional(),
  allowed_models: policyFields.allowed_models.optional(),
  allowed_routes: policyFields.allowed_routes.optional(),
  rpm: policyFields.rpm.optional(),
  tpm: policyFields.tpm.optional(),
  budgets: budgets.optional(),
  task_budget: taskBudgetSchema.nullable().optional(),
  metadata: metadata.optional(),
  expires_at: instant.nullable().optional(),
});
export type KeyPatch = z.input<typeof keyPatchSchema>;

/** Whole micro-dollars of a validated USD amount (exact: at most 6 decimals). */
export function usdToMicros(usd: number): number {
  return Math.round(usd * 1_000_000);
}
