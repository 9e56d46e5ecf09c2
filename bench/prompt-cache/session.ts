/**
 * The replayed coding-agent session, independent of any protocol: a long system prompt, the tool
 * definitions, the opening task and the rounds that follow it. Each round is one assistant turn
 * (its reasoning in a few sentences and one tool call), the tool's result and the developer's follow-up; request n
 * sends the task and the first n rounds, exactly as an agent loop re-sends its whole history.
 */
import { Dice } from './dice.js';
import { buildSystemPrompt } from './system-prompt.js';
import { codeFile, commandOutput, editApplied, observations, searchHits, testRun } from './tool-output.js';

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface Round {
  /** What the assistant says before calling the tool. */
  say: string;
  call: { name: string; input: Record<string, unknown> };
  result: string;
  followUp: string;
}

export interface Session {
  system: string;
  tools: ToolDefinition[];
  task: string;
  rounds: Round[];
}

const path = { type: 'string', description: 'Path relative to the repository root, e.g. src/limits/token-bucket.ts.' };

export const TOOLS: ToolDefinition[] = [
  {
    name: 'read_file',
    description: 'Read a text file from the repository. Returns the contents with line numbers stripped. Use offset and limit for files over 2,000 lines; binary files are refused. Prefer reading a whole module over guessing from search hits.',
    parameters: { type: 'object', properties: { path, offset: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 2000 } }, required: ['path'], additionalProperties: false },
  },
  {
    name: 'search_code',
    description: 'Search the repository with a regular expression (ripgrep syntax). Returns file:line: text for each hit, at most 200 hits. Respects .gitignore. Use it to find every caller before changing a function.',
    parameters: { type: 'object', properties: { pattern: { type: 'string' }, glob: { type: 'string', description: 'Limit the search to files matching this glob.' }, case_sensitive: { type: 'boolean', default: true } }, required: ['pattern'], additionalProperties: false },
  },
  {
    name: 'edit_file',
    description: 'Replace one exact occurrence of old_text with new_text in a file. Fails when old_text is missing or appears more than once: include enough surrounding lines to make it unique. Returns the applied hunk and the result of a type check of that file.',
    parameters: { type: 'object', properties: { path, old_text: { type: 'string' }, new_text: { type: 'string' } }, required: ['path', 'old_text', 'new_text'], additionalProperties: false },
  },
  {
    name: 'write_file',
    description: 'Create a file, or replace one entirely. Use edit_file for changes to existing files; write_file is for new files such as tests. Parent folders are created as needed.',
    parameters: { type: 'object', properties: { path, content: { type: 'string' } }, required: ['path', 'content'], additionalProperties: false },
  },
  {
    name: 'run_tests',
    description: 'Run the project test runner (node --test) on a file or folder and return its report. A run is limited to 120 seconds. Prefer the narrowest path that covers the change, then the whole suite once at the end.',
    parameters: { type: 'object', properties: { path: { type: 'string', description: 'Test file or folder; the whole suite when absent.' }, name_pattern: { type: 'string' } }, additionalProperties: false },
  },
  {
    name: 'run_command',
    description: 'Run a shell command in the repository root and return stdout and stderr (last 400 lines) and the exit code. No network access; commands that need input fail. Never use it to edit files.',
    parameters: { type: 'object', properties: { command: { type: 'string' }, timeout_seconds: { type: 'integer', minimum: 1, maximum: 600, default: 60 } }, required: ['command'], additionalProperties: false },
  },
  {
    name: 'git_log',
    description: 'Show recent commits that touched a path: hash, author date, subject and the diff stat. Use it to learn why code looks the way it does before changing it.',
    parameters: { type: 'object', properties: { path, limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 } }, additionalProperties: false },
  },
  {
    name: 'list_directory',
    description: 'List a folder: names, sizes and whether each entry is a file or a folder, one level deep. Hidden entries are included.',
    parameters: { type: 'object', properties: { path }, required: ['path'], additionalProperties: false },
  },
];

export const TASK = `Customers on the shared Redis cluster report bursts of requests getting through the rate limiter right after a Redis failover.
Find out why the token bucket lets them through, fix it, and add a test that would have caught it. Keep the public options of the limiter unchanged.`;

type Step = [say: string, tool: string, input: (dice: Dice) => Record<string, unknown>, result: (dice: Dice) => string, followUp: string];

const read = (file: string) => (dice: Dice) => codeFile(dice, file);
const input = (value: Record<string, unknown>) => () => value;
const edit = (file: string) => (dice: Dice) => ({ path: file, old_text: codeFile(dice, file).split('\n').slice(8, 14).join('\n'), new_text: codeFile(dice, file).split('\n').slice(8, 17).join('\n') });

const STEPS: Step[] = [
  ['I will start by finding where the token bucket lives and who calls it.', 'search_code', input({ pattern: 'TokenBucket|tokenBucket' }), (dice) => searchHits(dice, 'TokenBucket'), 'Go on. The admit path in src/gateway is the hot one.'],
  ['The bucket logic is in src/limits/token-bucket.ts. Reading it in full before changing anything.', 'read_file', input({ path: 'src/limits/token-bucket.ts' }), read('src/limits/token-bucket.ts'), 'That generation field looks relevant.'],
  ['The state carries a generation number; the Redis store must be where it is set. Reading the store next.', 'read_file', input({ path: 'src/limits/redis-store.ts' }), read('src/limits/redis-store.ts'), 'Yes, the reconnect handler is near the bottom.'],
  ['Before guessing, I want the history of the store: a recent change may explain the generation handling.', 'git_log', input({ path: 'src/limits/redis-store.ts', limit: 10 }), (dice) => commandOutput(dice, 'git log --stat -10 -- src/limits/redis-store.ts'), 'The failover change went in last month.'],
  ['Running the existing limiter tests to see the baseline before I touch anything.', 'run_tests', input({ path: 'test/limits' }), (dice) => testRun(dice, true), 'All green, as expected. They do not cover failover.'],
  ['Reading the current tests to see how they fake the store, so the new test can follow the same pattern.', 'read_file', input({ path: 'test/limits/token-bucket.test.ts' }), read('test/limits/token-bucket.test.ts'), 'Use the in-memory store with a manual reconnect.'],
  ['The memory store is the fake the tests use; checking that it can simulate a reconnect.', 'read_file', input({ path: 'src/limits/memory-store.ts' }), read('src/limits/memory-store.ts'), 'It has a reconnect() helper for exactly this.'],
  ['Writing a failing test first: fill the bucket, reconnect the store, and expect the next burst to be refused.', 'write_file', (dice) => ({ path: 'test/limits/failover.test.ts', content: codeFile(dice, 'test/limits/failover.test.ts') }), (dice) => `Wrote test/limits/failover.test.ts (${dice.int(60, 90)} lines).`, 'Run it.'],
  ['Running only the new test; it should fail and show the burst getting through.', 'run_tests', input({ path: 'test/limits/failover.test.ts' }), (dice) => testRun(dice, false), 'Good, that is the bug the customers see.'],
  ['The failure shows the bucket refilled to capacity after the reconnect. Looking for every place that compares generations.', 'search_code', input({ pattern: 'generation' }), (dice) => searchHits(dice, 'generation'), 'The comparison in refill is the suspicious one.'],
  ['Re-reading the refill function with the search hits in mind.', 'read_file', input({ path: 'src/limits/token-bucket.ts', offset: 40, limit: 80 }), read('src/limits/token-bucket.ts#refill'), 'Right: it treats a new generation as an empty history.'],
  ['The cause: after a failover the store bumps its generation, and refill restarts the bucket from full capacity instead of from the last known remaining count. Fixing refill to carry the remaining count over.', 'edit_file', edit('src/limits/token-bucket.ts'), (dice) => editApplied(dice, 'src/limits/token-bucket.ts'), 'Keep the change inside refill, please.'],
  ['Running the new test against the fix.', 'run_tests', input({ path: 'test/limits/failover.test.ts' }), (dice) => testRun(dice, true), 'Now the whole limits folder.'],
  ['Running the whole limits folder to check nothing else relied on the old refill.', 'run_tests', input({ path: 'test/limits' }), (dice) => testRun(dice, false), 'One failure. Which one?'],
  ['One older test expected a full bucket after reconnect. Reading it to decide whether it encodes intended behaviour.', 'read_file', input({ path: 'test/limits/redis-store.test.ts' }), read('test/limits/redis-store.test.ts'), 'That test was written for the old failover; the new behaviour is the intended one.'],
  ['Updating that expectation, with a comment pointing at the failover fix.', 'edit_file', edit('test/limits/redis-store.test.ts'), (dice) => editApplied(dice, 'test/limits/redis-store.test.ts'), 'Fine. Check the admit path too.'],
  ['Reading the admit path in the gateway, since it caches decisions per key.', 'read_file', input({ path: 'src/gateway/admit.ts' }), read('src/gateway/admit.ts'), 'Does its cache survive a failover?'],
  ['The admit cache holds decisions for 50 ms only; checking how it is keyed to be sure it cannot mask the fix.', 'search_code', input({ pattern: 'decisionCache', glob: 'src/**' }), (dice) => searchHits(dice, 'decisionCache'), 'OK, 50 ms is fine.'],
  ['Running the full limits suite again after the test update.', 'run_tests', input({ path: 'test/limits' }), (dice) => testRun(dice, true), 'Run the type check and the linter as well.'],
  ['Type check and lint of the whole project.', 'run_command', input({ command: 'npm run typecheck && npm run lint', timeout_seconds: 300 }), (dice) => commandOutput(dice, 'npm run typecheck && npm run lint'), 'Clean. Add a changelog line.'],
  ['Reading the changelog to match its style.', 'read_file', input({ path: 'CHANGELOG.md', limit: 40 }), (dice) => commandOutput(dice, 'head -40 CHANGELOG.md'), 'Under "Unreleased", fixes section.'],
  ['Adding the changelog entry under Unreleased → Fixes.', 'edit_file', edit('CHANGELOG.md'), (dice) => editApplied(dice, 'CHANGELOG.md'), 'Last step: the whole suite.'],
  ['Running the whole test suite once before reporting.', 'run_tests', input({}), (dice) => testRun(dice, true), 'Great. Summarise the change for the pull request.'],
  ['Listing the files I changed, for the summary.', 'run_command', input({ command: 'git status --short && git diff --stat' }), (dice) => commandOutput(dice, 'git status --short && git diff --stat'), 'Thanks. Write the summary now.'],
];

/** The session with `rounds` rounds (at most the scripted 24) and a system prompt of about `systemTokens` tokens. */
export function buildSession(options: { rounds: number; systemTokens: number }): Session {
  if (options.rounds > STEPS.length) throw new Error(`the session has ${STEPS.length} scripted rounds, ${options.rounds} asked for`);
  const rounds = STEPS.slice(0, options.rounds).map(([say, name, makeInput, makeResult, followUp], index): Round => {
    const dice = new Dice(1_000 + index);
    const call = { name, input: makeInput(dice) };
    const result = makeResult(dice);
    // From the second round on, the assistant first says what it made of the last result.
    return { say: index === 0 ? say : `${observations(dice)}\n\n${say}`, call, result, followUp };
  });
  return { system: buildSystemPrompt(options.systemTokens), tools: TOOLS, task: TASK, rounds };
}
