/**
 * `npm run bench:routing`: what a routing decision costs per request as a route grows to 1,000 rules.
 * Times the request path's routing work in-process (decode the body to the canonical model, compute
 * the workload profile, evaluate the rules, order and vet the candidates) with none of the rules
 * matching until the last, the worst case. Writes bench/results/routing.{md,json,svg}.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { CODECS } from '../src/protocols/registry.js';
import { HealthRegistry } from '../src/routing/health.js';
import { planRoute } from '../src/routing/plan.js';
import { computeProfile } from '../src/routing/profile.js';
import { repoRoot } from './lib/children.js';

const RULE_COUNTS = [0, 10, 100, 1_000];
const ITERATIONS = 20_000;

function configWith(rules: number): string {
  const lines = [
    'providers:',
    '  p: { kind: openai-compatible, base_url: "http://127.0.0.1:9/v1", api_key: k }',
    'models:',
    '  p/a: { context_window: 200000, capabilities: [tools, vision] }',
    '  p/b: { context_window: 1000000, capabilities: [tools, vision] }',
    'routes:',
    '  r:',
    '    rules:',
  ];
  for (let index = 0; index < rules - 1; index += 1) {
    lines.push(`      - { name: rule-${index}, when: 'task == "task-${index}" and trace.turns >= ${index % 20} or input_tokens > ${900_000 + index}', targets: [p/a] }`);
  }
  if (rules > 0) lines.push('      - { name: last, when: "tools > 0 and not stream", targets: [p/b], fallbacks: [p/a] }');
  if (rules === 0) lines.splice(lines.indexOf('    rules:'), 1);
  lines.push('    targets: [p/a]', '    fallbacks: [p/b]');
  return lines.join('\n');
}

/** A typical agent turn: system prompt, a few exchanges, one tool. */
const BODY = {
  model: 'r',
  messages: [
    { role: 'system', content: 'You are a careful coding assistant. '.repeat(20) },
    { role: 'user', content: 'Find the bug in the parser and fix it.' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"src/parser.ts"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'export function parse() { /* … */ }'.repeat(30) },
    { role: 'user', content: 'Go on.' },
  ],
  tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
};

interface Row {
  rules: number;
  microsPerDecision: number;
  decisionsPerSecond: number;
}

function measure(rules: number): Row {
  const config = parseConfig(configWith(rules), `${rules}-rules.yaml`, { env: {} });
  const context = { config, health: new HealthRegistry(), prices: () => undefined };
  const raw = JSON.stringify(BODY);
  const decide = (): string | undefined => {
    const request = CODECS['openai-chat'].decodeRequest(JSON.parse(raw) as Record<string, unknown>, { stream: false });
    const profile = computeProfile({ request, protocol: 'openai-chat', headers: {} });
    return planRoute('r', profile, context).rule;
  };
  const expected = rules === 0 ? undefined : 'last';
  if (decide() !== expected) throw new Error(`${rules} rules: expected rule ${expected}, got ${decide()}`);
  for (let index = 0; index < 2_000; index += 1) decide();
  const started = process.hrtime.bigint();
  for (let index = 0; index < ITERATIONS; index += 1) decide();
  const micros = Number(process.hrtime.bigint() - started) / 1_000 / ITERATIONS;
  return { rules, microsPerDecision: Math.round(micros * 100) / 100, decisionsPerSecond: Math.round(1_000_000 / micros) };
}

function svg(rows: Row[]): string {
  const width = 560;
  const barHeight = 28;
  const max = Math.max(...rows.map((row) => row.microsPerDecision));
  const bars = rows
    .map((row, index) => {
      const y = 40 + index * (barHeight + 12);
      const length = Math.max(2, (row.microsPerDecision / max) * 330);
      return `<text x="10" y="${y + 19}" font-size="13">${row.rules} rules</text><rect x="100" y="${y}" width="${length.toFixed(1)}" height="${barHeight}" fill="#4a7bd0"/><text x="${(108 + length).toFixed(1)}" y="${y + 19}" font-size="13">${row.microsPerDecision} µs</text>`;
    })
    .join('');
  const height = 50 + rows.length * (barHeight + 12);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="10" y="22" font-size="15" font-weight="bold">Routing decision per request (decode + profile + rules + candidates)</text>${bars}</svg>\n`;
}

const rows: Row[] = [];
for (const count of RULE_COUNTS) {
  process.stdout.write(`[bench:routing] ${count} rules …\n`);
  rows.push(measure(count));
}
const table = [
  '| rules in the route | µs per decision | decisions/s (one core) |',
  '| ---: | ---: | ---: |',
  ...rows.map((row) => `| ${row.rules} | ${row.microsPerDecision} | ${row.decisionsPerSecond.toLocaleString('en-US')} |`),
].join('\n');
const markdown = `# Routing decision cost\n\nNode ${process.version}, ${ITERATIONS.toLocaleString('en-US')} decisions per row, worst case (only the last rule matches).\nEach decision decodes a 5-message agent turn to the canonical model, computes its workload profile,\nevaluates the rules and vets the candidates.\n\n${table}\n\n![routing decision cost](routing.svg)\n`;
const directory = join(repoRoot(), 'bench', 'results');
mkdirSync(directory, { recursive: true });
writeFileSync(join(directory, 'routing.md'), markdown);
writeFileSync(join(directory, 'routing.json'), `${JSON.stringify({ node: process.version, iterations: ITERATIONS, rows }, null, 2)}\n`);
writeFileSync(join(directory, 'routing.svg'), svg(rows));
process.stdout.write(`${table}\n[bench:routing] wrote bench/results/routing.{md,json,svg}\n`);
