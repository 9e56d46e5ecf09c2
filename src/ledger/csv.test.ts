import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toCsv } from './csv.js';

/** A strict RFC 4180 reader, to check that what toCsv writes reads back unchanged. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let index = 0;
  while (index < text.length) {
    if (text[index] === '"') {
      index += 1;
      for (;;) {
        const quote = text.indexOf('"', index);
        assert.ok(quote >= 0, 'unterminated quote');
        field += text.slice(index, quote);
        index = quote + 1;
        if (text[index] !== '"') break;
        field += '"';
        index += 1;
      }
    } else {
      const end = text.slice(index).search(/[,\r]/);
      const stop = end < 0 ? text.length : index + end;
      field += text.slice(index, stop);
      index = stop;
    }
    if (text[index] === ',') {
      row.push(field);
      field = '';
      index += 1;
    } else {
      assert.equal(text.slice(index, index + 2), '\r\n', 'a record ends with CRLF');
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 2;
    }
  }
  return rows;
}

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks, and leaves nulls empty', () => {
    const csv = toCsv([{ group: 'a,b', note: 'say "hi"', lines: 'one\ntwo', cost: 12, ratio: null, ok: true }]);
    assert.equal(csv, 'group,note,lines,cost,ratio,ok\r\n"a,b","say ""hi""","one\ntwo",12,,true\r\n');
  });

  it('writes the chosen columns in order, and only a header for no rows', () => {
    assert.equal(toCsv([{ a: 1, b: 2 }], ['b', 'a']), 'b,a\r\n2,1\r\n');
    assert.equal(toCsv<{ a: number }>([], ['a']), 'a\r\n');
  });

  it('reads back unchanged with an RFC 4180 reader', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string({ unit: 'binary' })), { minLength: 1 }), (pairs) => {
        const rows = pairs.map(([left, right]) => ({ left, right }));
        assert.deepEqual(parseCsv(toCsv(rows)), [['left', 'right'], ...pairs]);
      }),
    );
  });
});
