/**
 * Emulator configuration: YAML, validated strictly (unknown keys are errors) with zod, and every
 * error names the file, line and column of the offending node. Shape (all keys optional):
 *
 *   time_scale: 1                 # multiplies every modelled delay; 0 = instant (tests), 1 = realistic
 *   seed: 42                      # seeds answers, ids and fault dice
 *   include_default_models: true  # false = serve only the models listed below
 *   record_limit: 1000            # requests kept for /_emulator/requests
 *   models:
 *     gpt-5.5:                    # a default model: listed fields override its defaults
 *       tokens_per_second: 120
 *       fault: { status: 503, rate: 0.1 }
 *     my-local-model:             # a new model: missing fields come from a generic profile
 *       context_window: 32768
 *       max_output: 4096
 *       reasoning: false
 *       ttft_ms: 200
 *       ttft_per_1k_input_ms: 5
 *       tokens_per_second: 60
 *       owned_by: acme
 *       response_model: my-local-model-2026-01-01
 *       fault: { status: 429, retry_after: 2, rate: 0.3, timeout: false, first_token_delay_ms: 0, drop_after: 5, error_after: 5 }
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { completeModel, defaultCatalogModels, type CatalogModel } from './catalog.js';
import type { FaultSpec } from './faults.js';

const faultSchema = z.strictObject({
  status: z.int().min(100).max(599).optional(),
  code: z.string().optional(),
  rate: z.number().min(0).max(1).optional(),
  retry_after: z.number().min(0).optional(),
  timeout: z.boolean().optional(),
  first_token_delay_ms: z.number().min(0).optional(),
  drop_after: z.int().min(0).optional(),
  error_after: z.int().min(0).optional(),
});

const modelSchema = z.strictObject({
  context_window: z.int().positive().optional(),
  max_output: z.int().positive().optional(),
  reasoning: z.boolean().optional(),
  ttft_ms: z.number().min(0).optional(),
  ttft_per_1k_input_ms: z.number().min(0).optional(),
  tokens_per_second: z.number().positive().optional(),
  owned_by: z.string().optional(),
  response_model: z.string().optional(),
  fault: faultSchema.optional(),
});

export const emulatorConfigSchema = z.strictObject({
  time_scale: z.number().min(0).optional(),
  seed: z.int().optional(),
  include_default_models: z.boolean().optional(),
  record_limit: z.int().positive().optional(),
  // `gpt-5.5:` with nothing under it means "this model, defaults only".
  models: z.record(z.string(), modelSchema.nullable()).optional(),
});

/** The config as written in YAML (snake_case keys); also accepted directly by `startEmulator`. */
export type EmulatorConfig = z.infer<typeof emulatorConfigSchema>;
export type EmulatorModelConfig = z.infer<typeof modelSchema>;
export type EmulatorFaultConfig = z.infer<typeof faultSchema>;

export class EmulatorConfigError extends Error {
  constructor(message: string, readonly issues: string[]) {
    super(message);
    this.name = 'EmulatorConfigError';
  }
}

export function loadEmulatorConfig(path: string): EmulatorConfig {
  return parseEmulatorConfig(readFileSync(path, 'utf8'), path);
}

/** Parse YAML text; `source` names the file in error messages. */
export function parseEmulatorConfig(text: string, source = '<config>'): EmulatorConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const issues = document.errors.map((error) => {
      const position = error.linePos?.[0];
      return `${source}:${position?.line ?? 1}:${position?.col ?? 1}: ${error.message.split('\n')[0] ?? error.message}`;
    });
    throw new EmulatorConfigError(`Invalid emulator config:\n${issues.join('\n')}`, issues);
  }
  const parsed = emulatorConfigSchema.safeParse(document.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const { line, col } = locate(document, lineCounter, issue.path, keys[0]);
    const where = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    const detail = keys.length > 0 ? `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((key) => `'${key}'`).join(', ')}` : issue.message;
    return `${source}:${line}:${col}: ${where}: ${detail}`;
  });
  throw new EmulatorConfigError(`Invalid emulator config:\n${issues.join('\n')}`, issues);
}

/** Line and column of the node at `path` (or of the key `key` inside it), else of its nearest ancestor. */
function locate(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[], key: string | undefined): { line: number; col: number } {
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = length === 0 ? document.contents : document.getIn(path.slice(0, length), true);
    if (key !== undefined && length === path.length && isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
      const range = isScalar(pair?.key) ? pair.key.range : undefined;
      if (range) return lineCounter.linePos(range[0]);
    }
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]);
  }
  return { line: 1, col: 1 };
}

/** The catalog a config describes: defaults (unless excluded) with overrides, plus new models. */
export function catalogModelsFromConfig(config: EmulatorConfig): CatalogModel[] {
  const entries = config.models ?? {};
  const models = new Map<string, CatalogModel>();
  if (config.include_default_models !== false) for (const model of defaultCatalogModels()) models.set(model.name, model);
  for (const [name, entry] of Object.entries(entries)) {
    const settings = entry ?? {};
    models.set(name, completeModel(name, {
      contextWindow: settings.context_window,
      maxOutput: settings.max_output,
      reasoning: settings.reasoning,
      ttftMs: settings.ttft_ms,
      ttftPer1kInputMs: settings.ttft_per_1k_input_ms,
      tokensPerSecond: settings.tokens_per_second,
      ownedBy: settings.owned_by,
      responseModel: settings.response_model,
    }, settings.fault === undefined ? undefined : faultFromConfig(settings.fault)));
  }
  return [...models.values()];
}

function faultFromConfig(fault: EmulatorFaultConfig): FaultSpec {
  const spec: FaultSpec = {};
  if (fault.status !== undefined) spec.status = fault.status;
  if (fault.code !== undefined) spec.code = fault.code;
  if (fault.rate !== undefined) spec.rate = fault.rate;
  if (fault.retry_after !== undefined) spec.retryAfter = fault.retry_after;
  if (fault.timeout !== undefined) spec.timeout = fault.timeout;
  if (fault.first_token_delay_ms !== undefined) spec.firstTokenDelayMs = fault.first_token_delay_ms;
  if (fault.drop_after !== undefined) spec.dropAfter = fault.drop_after;
  if (fault.error_after !== undefined) spec.errorAfter = fault.error_after;
  return spec;
}
