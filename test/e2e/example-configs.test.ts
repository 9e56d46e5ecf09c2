/**
 * The shipped configs route representative requests where their comments say they do. Table-driven
 * over POST /v1/route/explain, which plans without calling a provider.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfigFile } from '../../src/config/load.js';
import { createGateway } from '../../src/gateway/create-gateway.js';

interface Case {
  name: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  rule: string | null;
  model: string;
}

const user = (content: unknown) => ({ role: 'user', content });
/** About `tokens` o200k tokens: " word" is one token. */
const longText = (tokens: number) => 'word '.repeat(tokens);
const tool = { type: 'function', function: { name: 'run', parameters: { type: 'object', properties: {} } } };
const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } };

/** An agent transcript: `turns` assistant turns, each with `calls` tool calls and their results. */
function agentTrace(turns: number, calls: number): unknown[] {
  const messages: unknown[] = [user('fix the failing build')];
  for (let turn = 0; turn < turns; turn += 1) {
    const toolCalls = Array.from({ length: calls }, (_, index) => ({ id: `call_${turn}_${index}`, type: 'function', function: { name: 'run', arguments: '{}' } }));
    messages.push({ role: 'assistant', content: null, tool_calls: toolCalls });
    for (const call of toolCalls) messages.push({ role: 'tool', tool_call_id: call.id, content: 'ok' });
  }
  return messages;
}

const DEMO_CASES: Case[] = [
  { name: 'a voice turn marked realtime', body: { messages: [user('what time is it in Lisbon?')] }, headers: { 'x-switchyard-latency': 'realtime' }, rule: 'realtime', model: 'emulator/claude-haiku-4-5' },
  { name: 'retrieval over 600K tokens', body: { messages: [user(longText(600_000))] }, rule: 'long-context', model: 'emulator/gemini-3.1-pro' },
  { name: 'regulated work', body: { messages: [user('summarise this claim file')] }, headers: { 'x-switchyard-task': 'regulated' }, rule: 'regulated', model: 'emulator/claude-sonnet-4-6' },
  { name: 'a vision-heavy document turn', body: { messages: [user([{ type: 'text', text: 'compare these' }, image, image, image])] }, rule: 'vision-documents', model: 'emulator/gemini-3.1-pro' },
  { name: 'turn 12 of a tool-heavy agent loop', body: { messages: agentTrace(12, 3), tools: [tool] }, rule: 'long-tool-heavy-trace', model: 'emulator/claude-opus-4-7' },
  { name: 'a terminal agent step', body: { messages: [user('ls -la and fix perms')], tools: [tool] }, headers: { 'x-switchyard-task': 'terminal' }, rule: 'terminal-agent', model: 'emulator/gpt-5.5' },
  { name: 'multi-file coding (task from metadata)', body: { messages: [user('refactor the auth module')], tools: [tool], metadata: { task: 'coding' } }, rule: 'coding', model: 'emulator/claude-opus-4-7' },
  { name: 'planning', body: { messages: [user('plan the migration')] }, headers: { 'x-switchyard-task': 'planning' }, rule: 'math-planning', model: 'emulator/gpt-5.5-pro' },
  { name: 'a batch job goes to the cheapest adequate model', body: { messages: [user('classify: spam or not?')], tools: [tool] }, headers: { 'x-switchyard-latency': 'batch' }, rule: 'cost-sensitive', model: 'emulator/deepseek-v4' },
  { name: 'a short single turn', body: { messages: [user('rename this variable')] }, rule: 'short-turn', model: 'emulator/deepseek-v4' },
  { name: 'a mid-size tool turn falls through to the default', body: { messages: [user(longText(5_000))], tools: [tool] }, rule: null, model: 'emulator/gpt-5.5' },
  { name: 'an image turn skips the model without vision', body: { messages: [user([{ type: 'text', text: 'what is this' }, image])], headers: {} }, rule: 'short-turn', model: 'emulator/claude-haiku-4-5' },
];

async function explain(gateway: ReturnType<typeof createGateway>, model: string, testCase: Case) {
  const response = await gateway.fetch(
    new Request('http://gateway.local/v1/route/explain', { method: 'POST', headers: { 'content-type': 'application/json', ...testCase.headers }, body: JSON.stringify({ model, ...testCase.body }) }),
  );
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { rule: string | null; candidates: Array<{ model: string; decision: string; role: string; reason?: string }> };
}

describe('the demo config routes by workload shape', () => {
  const gateway = createGateway(loadConfigFile('config/demo.yaml', { env: { SWITCHYARD_EMULATOR_URL: 'http://127.0.0.1:9' } }));
  for (const testCase of DEMO_CASES) {
    it(`${testCase.name} → ${testCase.model}`, async () => {
      const plan = await explain(gateway, 'default', testCase);
      assert.equal(plan.rule, testCase.rule);
      assert.equal(plan.candidates.find((candidate) => candidate.decision === 'try')?.model, testCase.model);
    });
  }
});

describe('the fallback-chain example', () => {
  it('tries Opus, then Sonnet, then Haiku', async () => {
    const gateway = createGateway(loadConfigFile('config/examples/fallback-chain.yaml', { env: { ANTHROPIC_API_KEY: 'sk-ant-test' } }));
    const plan = await explain(gateway, 'claude', { name: '', body: { messages: [user('hello')] }, rule: null, model: '' });
    assert.deepEqual(
      plan.candidates.map((candidate) => [candidate.model, candidate.role, candidate.decision]),
      [
        ['anthropic/claude-opus-4-7', 'target', 'try'],
        ['anthropic/claude-sonnet-4-6', 'fallback', 'try'],
        ['anthropic/claude-haiku-4-5', 'fallback', 'try'],
      ],
    );
  });

  it('skips Haiku for an input beyond its 200K window', async () => {
    const gateway = createGateway(loadConfigFile('config/examples/fallback-chain.yaml', { env: { ANTHROPIC_API_KEY: 'sk-ant-test' } }));
    const plan = await explain(gateway, 'claude', { name: '', body: { messages: [user(longText(300_000))] }, rule: null, model: '' });
    const haiku = plan.candidates.find((candidate) => candidate.model === 'anthropic/claude-haiku-4-5')!;
    assert.equal(haiku.decision, 'skip');
    assert.match(haiku.reason!, /exceeds its context window of 200000/);
  });
});
