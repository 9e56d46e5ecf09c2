/**
 * What the agent's tools return in the replayed session: source files, search hits, test runs,
 * edit confirmations. Plausible TypeScript from seeded choices, a few hundred tokens each.
 */
import type { Dice } from './dice.js';

const NOUNS = ['bucket', 'window', 'quota', 'lease', 'token', 'budget', 'counter', 'slot', 'grant', 'burst'] as const;
const VERBS = ['refill', 'reserve', 'release', 'charge', 'reset', 'restore', 'expire', 'settle', 'sync', 'drain'] as const;
const FIELDS = ['capacity', 'refillPerSecond', 'updatedAt', 'remaining', 'windowMs', 'keyPrefix', 'lastSeenAt', 'generation', 'ttlMs', 'pending'] as const;

function camel(verb: string, noun: string): string {
  return `${verb}${noun.charAt(0).toUpperCase()}${noun.slice(1)}`;
}

function statement(dice: Dice): string {
  const field = dice.pick(FIELDS);
  const other = dice.pick(FIELDS);
  switch (dice.int(0, 5)) {
    case 0:
      return `const ${field} = Math.max(0, state.${field} - ${dice.int(1, 64)});`;
    case 1:
      return `if (state.${field} > options.${other}) {\n    state.${field} = options.${other};\n  }`;
    case 2:
      return `const elapsed = now - state.${field};\n  state.${other} += Math.floor((elapsed / 1000) * options.refillPerSecond);`;
    case 3:
      return `await store.set(\`\${options.keyPrefix}:\${key}\`, JSON.stringify(state), { ttlMs: options.ttlMs });`;
    case 4:
      return `if (state.generation !== store.generation) {\n    // The store reconnected since this state was read: start over from its copy.\n    return ${camel(dice.pick(VERBS), dice.pick(NOUNS))}(store, key, options, now);\n  }`;
    default:
      return `logger.debug({ key, ${field}: state.${field}, ${other}: state.${other} }, '${dice.pick(VERBS)} ${dice.pick(NOUNS)}');`;
  }
}

function functionText(dice: Dice): string {
  const name = camel(dice.pick(VERBS), dice.pick(NOUNS));
  const body = Array.from({ length: dice.int(3, 6) }, () => `  ${statement(dice)}`).join('\n');
  return `/** ${camel(dice.pick(VERBS), dice.pick(NOUNS))} for one key; called on every admitted request. */
export async function ${name}(store: LimiterStore, key: string, options: LimiterOptions, now = Date.now()): Promise<Decision> {
  const state = (await store.get(key)) ?? initialState(options, now);
${body}
  return { allowed: state.remaining > 0, remaining: state.remaining, retryAfterMs: state.remaining > 0 ? 0 : options.windowMs };
}`;
}

/** A TypeScript module of two or three functions; `path` only seeds the comment line. */
export function codeFile(dice: Dice, path: string): string {
  const functions = Array.from({ length: dice.int(2, 3) }, () => functionText(dice)).join('\n\n');
  return `// ${path}: ${dice.pick(NOUNS)} accounting for the request limiter.
import type { Decision, LimiterOptions, LimiterStore } from './types.js';
import { logger } from '../logging/index.js';

function initialState(options: LimiterOptions, now: number) {
  return { remaining: options.capacity, updatedAt: now, generation: 0, pending: 0 };
}

${functions}
`;
}

export function searchHits(dice: Dice, pattern: string): string {
  const files = ['src/limits/token-bucket.ts', 'src/limits/redis-store.ts', 'src/limits/memory-store.ts', 'src/limits/index.ts', 'src/gateway/admit.ts', 'test/limits/token-bucket.test.ts', 'test/limits/redis-store.test.ts'];
  const lines = Array.from({ length: dice.int(8, 14) }, () => {
    const file = dice.pick(files);
    return `${file}:${dice.int(12, 240)}:  ${statement(dice).split('\n')[0]} // ${pattern}`;
  });
  return `${lines.length} matches for "${pattern}"\n${lines.join('\n')}`;
}

export function testRun(dice: Dice, passing: boolean): string {
  const names = Array.from({ length: dice.int(6, 9) }, () => `${dice.pick(VERBS)}s the ${dice.pick(NOUNS)} when the ${dice.pick(FIELDS)} ${dice.pick(['changes', 'is zero', 'expires', 'overflows', 'is missing'])}`);
  const failing = passing ? -1 : dice.int(0, names.length - 1);
  const rows = names.map((name, index) => `${index === failing ? '  ✖' : '  ✔'} ${name} (${dice.int(1, 40)}.${dice.int(10, 99)}ms)`);
  const failure = passing
    ? ''
    : `\n\n  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n  ${dice.int(2, 9)} !== ${dice.int(10, 20)}\n\n      at TestContext.<anonymous> (test/limits/token-bucket.test.ts:${dice.int(40, 180)}:12)\n      at async Test.run (node:internal/test_runner/test:${dice.int(600, 900)}:9)\n      at async Suite.processPendingSubtests (node:internal/test_runner/test:${dice.int(300, 500)}:7)`;
  return `▶ limits\n${rows.join('\n')}\n▶ limits (${dice.int(80, 400)}.${dice.int(10, 99)}ms)${failure}\n\nℹ tests ${names.length}\nℹ pass ${passing ? names.length : names.length - 1}\nℹ fail ${passing ? 0 : 1}\nℹ duration_ms ${dice.int(300, 1400)}.${dice.int(100, 999)}`;
}

export function editApplied(dice: Dice, path: string): string {
  const start = dice.int(20, 160);
  const removed = Array.from({ length: dice.int(2, 4) }, () => `-  ${statement(dice).split('\n')[0]}`);
  const added = Array.from({ length: dice.int(3, 6) }, () => `+  ${statement(dice).split('\n')[0]}`);
  return `Edited ${path}: 1 hunk, +${added.length} −${removed.length}\n@@ -${start},${removed.length + 2} +${start},${added.length + 2} @@\n   const state = (await store.get(key)) ?? initialState(options, now);\n${removed.join('\n')}\n${added.join('\n')}\n   return { allowed: state.remaining > 0, remaining: state.remaining, retryAfterMs: 0 };\nThe file type-checks (tsc --noEmit: 0 errors).`;
}

export function commandOutput(dice: Dice, command: string): string {
  const lines = Array.from({ length: dice.int(6, 12) }, () => `${dice.pick(['info', 'debug', 'warn'])} ${new Date(Date.UTC(2026, 2, 3, 14, dice.int(0, 59), dice.int(0, 59))).toISOString()} ${dice.pick(VERBS)} ${dice.pick(NOUNS)} key=tenant-${dice.int(100, 999)} ${dice.pick(FIELDS)}=${dice.int(0, 5000)}`);
  return `$ ${command}\n${lines.join('\n')}\nexit code ${dice.int(0, 3) === 0 ? 1 : 0}`;
}

/** What the assistant noticed in the last tool result, before its next call: a few sentences of reasoning. */
export function observations(dice: Dice): string {
  const templates: Array<() => string> = [
    () => `\`${camel(dice.pick(VERBS), dice.pick(NOUNS))}\` reads \`state.${dice.pick(FIELDS)}\` before it checks the store's generation, so a reconnect between the read and the write is invisible to it.`,
    () => `The ${dice.pick(NOUNS)} state is written back with \`options.ttlMs\`, so a key that stays idle for longer than that starts again from a full ${dice.pick(NOUNS)}.`,
    () => `Nothing in \`${camel(dice.pick(VERBS), dice.pick(NOUNS))}\` caps \`state.${dice.pick(FIELDS)}\` at \`options.capacity\` after a refill, which matters once the elapsed time is large.`,
    () => `The log line in \`${camel(dice.pick(VERBS), dice.pick(NOUNS))}\` is at debug level, which explains why the incident notes never mention it.`,
    () => `There are ${dice.int(3, 9)} call sites and all of them await the decision, so the return shape can stay as it is.`,
    () => `The tests pass \`now\` explicitly instead of using fake timers, so a failover test can step time by hand.`,
    () => `\`state.${dice.pick(FIELDS)}\` and \`state.${dice.pick(FIELDS)}\` are updated in two separate writes; under load a second request can read the state between them.`,
    () => `The output matches what I expected from the code: ${dice.int(2, 6)} of the ${dice.int(7, 12)} paths go through the refill before the generation check.`,
  ];
  return Array.from({ length: dice.int(3, 5) }, () => dice.pick(templates)()).join(' ');
}
