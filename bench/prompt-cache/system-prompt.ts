/**
 * The coding agent's system prompt: about 20,000 tokens of instructions, written the way long agent
 * prompts are (an identity, then sections of rules with reasons and a few worked examples). Built
 * from phrase banks with a fixed seed, so it reads as prose, never repeats a sentence, and is the
 * same bytes on every run.
 */
import { countTokens } from '../../src/emulator/tokens.js';
import { codeFile } from './tool-output.js';
import { Dice } from './dice.js';

const OPENING = `You are Forge, a software engineering agent working inside a developer's repository through the tools listed below.
You read code, run commands, edit files and report what you did. The developer watches the session, reviews every change
you make, and may interrupt you at any time. Your goal is to finish the task they give you with the smallest correct change,
leave the repository in a state that builds and passes its tests, and explain your work in plain words.

These instructions are long because the work is varied. Read them as the house rules of a careful team: each rule comes with
its reason, and when two rules pull in different directions, prefer the one whose reason fits the situation in front of you.
When the repository carries its own guide (CONTRIBUTING.md, a README section, an AGENTS.md file), its rules win over these.`;

const TOPICS = [
  'Understanding the task', 'Reading code before changing it', 'Planning a change', 'Making small, reviewable edits',
  'Running tests', 'When a test fails', 'Flaky tests', 'Writing new tests', 'Working with version control',
  'Dependencies and lock files', 'Security and secrets', 'Error handling', 'Logging and observability',
  'Performance work', 'Database migrations', 'Public interfaces', 'Documentation and comments', 'Naming',
  'TypeScript projects', 'Python projects', 'Go projects', 'Rust projects', 'Shell commands',
  'Long-running commands', 'Editing files safely', 'Generated and vendored files', 'Asking the developer',
  'Reporting results', 'Concurrency and shared state', 'Configuration and environment', 'Refactoring',
  'Deleting code', 'Formatting and linting', 'Continuous integration', 'Backwards compatibility',
  'Feature flags', 'Caching', 'Network clients and retries', 'Time, dates and time zones', 'Money and precision',
  'Test data and fixtures', 'Code review etiquette', 'Accessibility', 'Internationalisation', 'Build systems',
  'Containers and deployment', 'Incident follow-ups', 'Working in monorepos',
] as const;

const SITUATIONS = [
  'a change touches more than one module', 'the task description is ambiguous', 'a test fails for a reason you do not yet understand',
  'you are about to change a public interface', 'a command runs for longer than a minute', 'the working tree has changes you did not make',
  'the developer asks for a quick fix', 'a file carries a header saying it is generated', 'a dependency is missing from the lock file',
  'the build prints warnings that were not there before', 'two parts of the code base disagree about a convention',
  'a function is called from more places than you expected', 'an error message from a tool is cut short',
  'you find a bug unrelated to the task', 'the same logic appears in three places', 'a configuration value is read in several files',
  'the documentation and the code disagree', 'a migration would rewrite a large table', 'an API returns data in a shape you did not expect',
  'the fix needs a new dependency', 'a test relies on the current time', 'a change affects how errors reach the user',
  'a retry loop has no upper bound', 'you cannot reproduce the reported problem', 'the code path is only reached in production',
  'a type assertion hides a possible null', 'the task would take more than a few dozen edits', 'a secret appears in a file or a log',
  'a script deletes or overwrites files', 'the developer has already tried an approach and rejected it',
] as const;

const ACTIONS = [
  'stop and summarise what you found so far', 'read the surrounding code and its callers', 'run the narrowest test that covers the change',
  'write the assumption down in your reply', 'look for an existing helper that already does it', 'check the project guide for a rule that applies',
  'ask the developer one precise question', 'choose the smallest change that fixes the cause', 'search the code base for every other caller',
  'reproduce the problem with a failing test first', 'keep the old behaviour behind the same name', 'note the open question at the end of your summary',
  'read the last few commits that touched the file', 'compare the behaviour before and after with the same input',
  'prefer the standard library over a new package', 'keep the edit inside the module that owns the behaviour',
  'measure before and after, with the numbers in your reply', 'leave a short comment that says why, not what',
  'run the formatter on the files you touched, and only on those', 'split the work into steps the developer can review one at a time',
] as const;

const FOLLOW_UPS = [
  'editing anything', 'moving on to the next step', 'reporting the task as done', 'running the whole test suite',
  'touching files outside the task', 'committing', 'proposing a larger refactor', 'changing the tests to match',
  'adding a dependency', 'deleting the old code path',
] as const;

const REASONS = [
  'the developer reviews every diff by hand, and unrelated edits make that slower', 'silent assumptions are the most common source of rework',
  'a narrow test gives a faster and clearer signal than the full suite', 'callers you have not read are where regressions hide',
  'a second implementation of the same idea drifts from the first within weeks', 'the person on call will read this code under pressure',
  'reverting a small change is cheap and reverting a large one is not', 'a question asked early costs less than a wrong answer delivered late',
  'tests that pass for the wrong reason are worse than no tests', 'the build is shared, and a broken main branch blocks everyone',
  'users see error messages long after the code that wrote them is forgotten', 'numbers convince reviewers where adjectives do not',
  'the lock file is the record of what actually runs in production', 'history explains constraints that the code alone does not show',
  'a change that cannot be explained in two sentences is probably two changes', 'production data is always larger and stranger than test data',
  'a retry without a limit turns one failure into an outage', 'the next reader will not have this conversation in front of them',
  'formatting noise hides the lines that matter in a review', 'leaked credentials must be rotated, which costs someone an afternoon',
] as const;

const TEMPLATES: ReadonlyArray<(dice: Dice) => string> = [
  (dice) => `When ${dice.pick(SITUATIONS)}, ${dice.pick(ACTIONS)} before ${dice.pick(FOLLOW_UPS)}: ${dice.pick(REASONS)}.`,
  (dice) => `${capitalise(dice.pick(ACTIONS))} whenever ${dice.pick(SITUATIONS)}; ${dice.pick(REASONS)}.`,
  (dice) => `If ${dice.pick(SITUATIONS)}, ${dice.pick(ACTIONS)}, and mention it in your summary, because ${dice.pick(REASONS)}.`,
  (dice) => `Do not skip this step even when ${dice.pick(SITUATIONS)}: ${dice.pick(ACTIONS)} first. The reason is simple: ${dice.pick(REASONS)}.`,
  (dice) => `A good habit here is to ${dice.pick(ACTIONS)} before ${dice.pick(FOLLOW_UPS)}, especially when ${dice.pick(SITUATIONS)}.`,
];

const INTRODUCTIONS: ReadonlyArray<(topic: string) => string> = [
  (topic) => `This section is about ${topic.toLowerCase()}. The rules apply to every repository unless its own guide says otherwise.`,
  (topic) => `${topic} is where small habits decide whether a change is easy to review. Follow these rules in order.`,
  (topic) => `Most mistakes in ${topic.toLowerCase()} come from moving too fast. Each rule below names the mistake it prevents.`,
  (topic) => `The developer has asked for consistency in ${topic.toLowerCase()} above all else; when in doubt, do what the code around you does.`,
];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function section(dice: Dice, topic: string, number: number): string {
  const rules = Array.from({ length: dice.int(7, 11) }, () => `- ${dice.pick(TEMPLATES)(dice)}`);
  const paragraph = Array.from({ length: 3 }, () => dice.pick(TEMPLATES)(dice)).join(' ');
  const parts = [`## ${number}. ${topic}`, dice.pick(INTRODUCTIONS)(topic), rules.join('\n'), paragraph];
  // Every fourth section carries a worked example, as real agent prompts do.
  if (number % 4 === 0) parts.push(`Example of the expected shape, from an earlier session:\n\n\`\`\`ts\n${codeFile(dice, 'example').trimEnd()}\n\`\`\``);
  return parts.join('\n\n');
}

/** The prompt, grown section by section until it holds at least `tokens` tokens (o200k, as the emulator counts). */
export function buildSystemPrompt(tokens: number, seed = 7): string {
  const dice = new Dice(seed);
  const sections = [OPENING];
  let length = countTokens(OPENING);
  for (let index = 0; length < tokens; index++) {
    const topic = TOPICS[index % TOPICS.length] ?? 'General rules';
    const text = section(dice, index < TOPICS.length ? topic : `${topic} (continued)`, index + 1);
    sections.push(text);
    length += countTokens(text) + 1;
  }
  return sections.join('\n\n');
}
