/**
 * Context-window policies through the gateway: a long agent conversation sent to a model with a
 * small reliable window is slid (oldest turns dropped, system prompt and tool call/result pairs
 * kept) or truncated in the middle, the action is named in `x-switchyard-context` and on the ledger;
 * a model without such a policy is skipped for a larger one (escalation).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LedgerStore } from '../../src/ledger/index.js';
import { sqliteQuery } from '../../src/ledger/testing/backends.js';
import type { RunningServer } from '../../src/server/node-server.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { EMULATOR_KEY, eventually, startMeteredHarness, type MeteredHarness } from '../support/harness.js';

const filler = (words: number): string => Array.from({ length: words }, (_, index) => `word${index % 97}`).join(' ');

/** 12 turns of about 400 tokens each, every other one with a tool call and its result. */
function agentConversation(): Array<Record<string, unknown>> {
  const messages: Array<Record<string, unknown>> = [{ role: 'system', content: 'You are a careful coding agent.' }];
  for (let turn = 0; turn < 12; turn += 1) {
    messages.push({ role: 'user', content: `Step ${turn}: ${filler(300)}` });
    if (turn % 2 === 0) {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${turn}`, type: 'function', function: { name: 'read_file', arguments: `{"path":"src/${turn}.ts"}` } }] });
      messages.push({ role: 'tool', tool_call_id: `call_${turn}`, content: `contents of ${turn}` });
    }
    messages.push({ role: 'assistant', content: `Done with step ${turn}.` });
  }
  messages.push({ role: 'user', content: 'Now summarise what you did.' });
  return messages;
}

describe('context-window policies', () => {
  let emulator: RunningEmulator;
  let server: RunningServer;
  let store: LedgerStore;
  let harness: MeteredHarness;

  before(async () => {
    harness = await startMeteredHarness(
      (url) => `
providers:
  emu: { kind: openai-compatible, base_url: "${url}/openai/v1", api_key: ${EMULATOR_KEY} }
models:
  emu/gpt-5.5: { context_window: 8000, reliable_context: 2000, context_policy: { slide: { keep_last_turns: 2 } } }
  emu/gpt-5.4: { context_window: 8000, reliable_context: 2000, context_policy: truncate_middle }
  emu/gpt-5.5-pro: { context_window: 8000, reliable_context: 2000 }
  emu/gpt-5.5-2026-04-23: { context_window: 400000 }
routes:
  slide: { targets: [emu/gpt-5.5] }
  truncate: { targets: [emu/gpt-5.4] }
  escalate: { targets: [emu/gpt-5.5-pro], fallbacks: [emu/gpt-5.5-2026-04-23] }
`,
    );
    ({ emulator, server, store } = harness);
  });
  after(() => harness.close());

  const send = (route: string, messages: Array<Record<string, unknown>>, trace: string): Promise<Response> =>
    fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchyard-trace-id': trace },
      body: JSON.stringify({ model: route, messages }),
    });

  it('slides: drops the oldest turns, keeps the system prompt, the latest turns and every tool call with its result', async () => {
    const response = await send('slide', agentConversation(), 'ctx-slide');
    assert.equal(response.status, 200, await response.clone().text());
    assert.match(response.headers.get('x-switchyard-context') ?? '', /^slide: /);
    const sent = (emulator.received().at(-1)!.json as { messages: Array<{ role: string; content: unknown; tool_calls?: Array<{ id: string }>; tool_call_id?: string }> }).messages;
    assert.equal(sent[0]!.role, 'system');
    assert.equal(sent[1]!.role, 'user', 'the conversation restarts at a user turn');
    assert.equal(sent.at(-1)!.content, 'Now summarise what you did.');
    assert.ok(sent.length < agentConversation().length, 'turns were dropped');
    const calls = new Set(sent.flatMap((message) => message.tool_calls?.map((call) => call.id) ?? []));
    const results = new Set(sent.filter((message) => message.role === 'tool').map((message) => message.tool_call_id));
    assert.deepEqual([...calls].sort(), [...results].sort(), 'no tool call without its result, nor the reverse');
    const rows = await eventually(() => store.tasks({ trace_id: 'ctx-slide' }), (tasks) => tasks.length > 0);
    assert.equal(rows.length, 1);
    const [recorded] = sqliteQuery(join(harness.directory, 'ledger.db'), "SELECT context_action FROM ledger_attempts WHERE trace_id = 'ctx-slide'") as Array<{ context_action: string }>;
    assert.match(recorded!.context_action, /^slide: /, 'the ledger names the action');
  });

  it('truncates the middle of the longest text when the model says so', async () => {
    const messages = [{ role: 'system', content: 'Summarise.' }, { role: 'user', content: `Document: ${filler(3000)} END` }];
    const response = await send('truncate', messages, 'ctx-truncate');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('x-switchyard-context') ?? '', /^truncate-middle: /);
    const sent = (emulator.received().at(-1)!.json as { messages: Array<{ content: string }> }).messages;
    const text = JSON.stringify(sent[1]!.content);
    assert.ok(text.includes('Document: word0') && text.includes('END'), 'both ends kept');
    assert.match(text, /omitted/);
  });

  it('escalates past a model without a policy to one with a larger window', async () => {
    const response = await send('escalate', agentConversation(), 'ctx-escalate');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-switchyard-model'), 'emu/gpt-5.5-2026-04-23');
    assert.equal(response.headers.get('x-switchyard-context'), null);
  });
});
