/**
 * Appends numbered records to a SQLite ledger at a steady rate until killed. After each append
 * batch it prints `<appended so far> <Date.now()>`; stdout to a pipe is synchronous on Linux, so a
 * printed count was appended before the line left the process.
 *
 * Usage: node append-child.js <database path> <windowMs> <records per tick> <tick ms>
 */
import { openSqliteLedgerStore } from '../sqlite-store.js';
import { LedgerWriter } from '../writer.js';
import { makeRecord } from './records.js';

const [path, windowText = '100', perTickText = '10', tickText = '5'] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: append-child <database path> [windowMs] [records per tick] [tick ms]');
const perTick = Number(perTickText);
const writer = new LedgerWriter(openSqliteLedgerStore(path), { windowMs: Number(windowText) });
let appended = 0;
process.stdout.write('ready\n');
setInterval(() => {
  for (let index = 0; index < perTick; index += 1) {
    writer.append(makeRecord({ id: `record-${appended}`, request_id: String(appended).padStart(9, '0') }));
    appended += 1;
  }
  process.stdout.write(`${appended} ${Date.now()}\n`);
}, Number(tickText));
