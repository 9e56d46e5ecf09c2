import { startEmulator } from './src/emulator/index.ts';
const emulator = await startEmulator({ timeScale: 0, logger: (l: any) => console.log('server', l.duration_ms) });
const t0 = performance.now();
const r = await fetch(`${emulator.url}/openai/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'gpt-5.5', stream: true, messages: [{ role: 'user', content: `Go [[tokens: 60000]]` }] }) });
console.log('headers', Math.round(performance.now() - t0));
const text = await r.text();
console.log('total', Math.round(performance.now() - t0), text.length);
await emulator.close();
