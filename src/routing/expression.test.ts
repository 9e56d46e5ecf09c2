import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compileExpression, ExpressionError } from './expression.js';
import type { WorkloadProfile } from './profile.js';

function profileWith(overrides: Partial<WorkloadProfile> = {}): WorkloadProfile {
  return {
    task: 'coding',
    inputTokens: 1_200,
    images: 0,
    documents: 0,
    tools: 3,
    maxOutputTokens: 0,
    stream: true,
    reasoning: false,
    structuredOutput: false,
    latency: 'interactive',
    messages: 4,
    protocol: 'openai-chat',
    session: '',
    trace: { turns: 10, toolCalls: 25, tokens: 40_000 },
    ...overrides,
  };
}

const holds = (source: string, profile: WorkloadProfile = profileWith()): boolean => compileExpression(source)(profile);

/** Asserts compiling fails at this 0-based position with a message containing every fragment. */
function assertRejected(source: string, position: number, ...fragments: string[]): void {
  assert.throws(
    () => compileExpression(source),
    (error: unknown) => {
      assert.ok(error instanceof ExpressionError, `expected an ExpressionError for ${source}, got ${String(error)}`);
      assert.equal(error.position, position, `position for ${JSON.stringify(source)}: ${error.message}`);
      for (const fragment of fragments) assert.ok(error.message.includes(fragment), `"${error.message}" should include "${fragment}"`);
      return true;
    },
  );
}

describe('compileExpression: comparisons', () => {
  test('every comparison operator on numbers', () => {
    const cases: Array<[string, boolean]> = [
      ['tools == 3', true],
      ['tools == 4', false],
      ['tools != 4', true],
      ['tools != 3', false],
      ['tools < 4', true],
      ['tools < 3', false],
      ['tools <= 3', true],
      ['tools <= 2', false],
      ['tools > 2', true],
      ['tools > 3', false],
      ['tools >= 3', true],
      ['tools >= 4', false],
    ];
    for (const [source, expected] of cases) assert.equal(holds(source), expected, source);
  });

  test('numbers with decimals and exponents; a literal may stand on either side', () => {
    const profile = profileWith({ trace: { turns: 4, toolCalls: 10, tokens: 0 } });
    assert.equal(holds('trace.tool_calls_per_turn == 2.5', profile), true);
    assert.equal(holds('trace.tool_calls_per_turn > 2.49', profile), true);
    assert.equal(holds('trace.tool_calls_per_turn >= 2.51', profile), false);
    assert.equal(holds('input_tokens >= 1.2e3'), true);
    assert.equal(holds('1000 < input_tokens'), true);
    assert.equal(holds('0.5 < 0.25'), false);
  });

  test('strings in double or single quotes, each holding the other quote', () => {
    assert.equal(holds('task == "coding"'), true);
    assert.equal(holds("task == 'coding'"), true);
    assert.equal(holds('task != "chat"'), true);
    assert.equal(holds(`task == "it's"`, profileWith({ task: "it's" })), true);
    assert.equal(holds(`task == 'say "hi"'`, profileWith({ task: 'say "hi"' })), true);
    assert.equal(holds('latency == "batch"'), false);
  });

  test('booleans: fields alone, literals, and compared with each other', () => {
    assert.equal(holds('stream'), true);
    assert.equal(holds('reasoning'), false);
    assert.equal(holds('true'), true);
    assert.equal(holds('false'), false);
    assert.equal(holds('stream == true'), true);
    assert.equal(holds('reasoning != structured_output'), false);
    assert.equal(holds('stream == (tools > 1)'), true);
  });

  test('"in" over lists of strings and of numbers', () => {
    assert.equal(holds('task in ["coding", "review"]'), true);
    assert.equal(holds("task in ['chat', 'summary']"), false);
    assert.equal(holds('tools in [1, 2, 3]'), true);
    assert.equal(holds('tools in [1.5, 2]'), false);
    assert.equal(holds('task in ["coding"]'), true, 'one element');
    assert.equal(holds('task in []'), false, 'an empty list holds nothing');
    assert.equal(holds('not (latency in ["realtime", "batch"])'), true);
  });

  test('strings are data, never code: quotes, backslashes and line separators compare literally', () => {
    const tricky = ['") || true || ("', '\\', '\u2028', '${p}', 'a\nb'];
    for (const value of tricky) {
      const quoted = value.includes('"') ? `'${value}'` : `"${value}"`;
      assert.equal(holds(`task == ${quoted}`), false, quoted);
      assert.equal(holds(`task == ${quoted}`, profileWith({ task: value })), true, quoted);
      assert.equal(holds(`task in [${quoted}, "x"]`, profileWith({ task: value })), true, quoted);
    }
  });

  test('every profile field can be read', () => {
    const profile = profileWith({
      task: 'review',
      inputTokens: 9,
      images: 2,
      documents: 1,
      tools: 5,
      maxOutputTokens: 64,
      stream: false,
      reasoning: true,
      structuredOutput: true,
      latency: 'batch',
      messages: 7,
      protocol: 'gemini',
      session: 's-1',
      trace: { turns: 2, toolCalls: 3, tokens: 77 },
    });
    const source = [
      'task == "review"',
      'input_tokens == 9',
      'images == 2',
      'documents == 1',
      'tools == 5',
      'max_output_tokens == 64',
      'stream == false',
      'reasoning',
      'structured_output',
      'latency == "batch"',
      'messages == 7',
      'protocol == "gemini"',
      'session == "s-1"',
      'trace.turns == 2',
      'trace.tool_calls == 3',
      'trace.tool_calls_per_turn == 1.5',
      'trace.tokens == 77',
    ].join(' and ');
    assert.equal(holds(source, profile), true);
  });
});

describe('compileExpression: logic and precedence', () => {
  test('and, or, not', () => {
    assert.equal(holds('tools > 1 and stream'), true);
    assert.equal(holds('tools > 1 and reasoning'), false);
    assert.equal(holds('reasoning or stream'), true);
    assert.equal(holds('reasoning or false'), false);
    assert.equal(holds('not reasoning'), true);
    assert.equal(holds('not not reasoning'), false);
  });

  test('and binds tighter than or', () => {
    // true or (false and false) = true; (true or false) and false would be false.
    assert.equal(holds('true or false and false'), true);
    assert.equal(holds('false and false or true'), true);
    assert.equal(holds('false and true or false'), false);
  });

  test('not binds tighter than and and or, looser than a comparison', () => {
    // (not true) and false = false; not (true and false) would be true.
    assert.equal(holds('not true and false'), false);
    // (not false) or false = true.
    assert.equal(holds('not false or false'), true);
    // not (tools == 4): the comparison is the operand.
    assert.equal(holds('not tools == 4'), true);
    assert.equal(holds('not task in ["coding"]'), false);
  });

  test('parentheses override precedence', () => {
    assert.equal(holds('(true or false) and false'), false);
    assert.equal(holds('not (true and false)'), true);
    assert.equal(holds('((tools > 1))'), true);
  });

  test('whitespace is free', () => {
    assert.equal(holds('  tools>1   and\tstream\n'), true);
    assert.equal(holds('(tools>1)and(stream)'), true);
  });
});

describe('compileExpression: errors name the position and the problem', () => {
  test('an unknown field lists the known ones', () => {
    assertRejected('tools > 1 and tool_count > 2', 14, 'unknown field "tool_count"', 'at 15', 'fields:', 'trace.tool_calls_per_turn', 'input_tokens');
  });

  test('type mismatches', () => {
    assertRejected('task > 3', 5, '">"', 'string', 'number');
    assertRejected('tools == "a"', 6, '"=="', 'number', 'string');
    assertRejected('"x" in [1,2]', 4, '"in"', 'string', 'list of numbers');
    assertRejected('task > "a"', 5, 'orders numbers');
    assertRejected('tools in 3', 6, '"in"', 'needs a list');
    assertRejected('tools and stream', 6, '"and"', 'number');
    assertRejected('stream or 1', 7, '"or"', 'number');
    assertRejected('not task', 0, '"not"', 'string');
    assertRejected('[1] == [1]', 4, 'list');
  });

  test('a top level that is not a condition', () => {
    assertRejected('tools', 0, 'is a number, not a condition');
    assertRejected('"coding"', 0, 'is a string');
    assertRejected('(task)', 0, 'is a string');
  });

  test('unterminated strings, from either quote', () => {
    assertRejected('task == "coding', 8, 'unterminated string', 'at 9');
    assertRejected("task == 'coding", 8, 'unterminated string');
    assertRejected(`task == "coding'`, 8, 'unterminated string');
  });

  test('trailing tokens', () => {
    assertRejected('tools > 1 tools', 10, 'unexpected "tools" at 11');
    assertRejected('tools > 1)', 9, 'unexpected ")"');
    assertRejected('1 < 2 < 3', 6, 'unexpected "<"');
  });

  test('empty input and early ends', () => {
    assertRejected('', 0, 'ends too early');
    assertRejected('   ', 3, 'ends too early');
    assertRejected('tools >', 7, 'ends too early');
    assertRejected('stream and', 10, 'ends too early');
    assertRejected('(tools > 1', 10, 'expected ")"');
    assertRejected('task in ["a"', 12, 'expected "]"');
  });

  test('characters outside the language', () => {
    assertRejected('tools > -1', 8, 'unexpected "-" at 9');
    assertRejected('tools = 1', 6, 'unexpected "="');
    assertRejected('tools > 1 && stream', 10, 'unexpected "&"');
  });

  test('names of object internals are not fields', () => {
    assertRejected('constructor == 1', 0, 'unknown field "constructor"');
    assertRejected('__proto__ == 1', 0, 'unknown field "__proto__"');
    assertRejected('tools > 1 or toString', 13, 'unknown field "toString"');
  });

  test('a number too large to represent is refused, not read as 0', () => {
    assertRejected('tools < 1e999', 8, 'too large');
    assertRejected('tools in [1, 1e400]', 13, 'too large');
  });

  test('lists hold literals of one type', () => {
    assertRejected('tools in [tools, 2]', 9, 'literal values only', 'at 10');
    assertRejected('tools in [1, "a"]', 9, 'one type');
    assertRejected('tools in [1, true]', 9, 'one type');
    assertRejected('tools in [[1], [2]]', 9, 'literal values only');
    assertRejected('tools in [1,]', 12, 'unexpected "]"');
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: random well-typed expressions agree with a reference evaluator written here.
// ---------------------------------------------------------------------------------------------------

type Expr =
  | { kind: 'literal'; value: boolean }
  | { kind: 'flag'; field: 'stream' | 'reasoning' }
  | { kind: 'not'; operand: Expr }
  | { kind: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'number-compare'; op: '==' | '!=' | '<' | '<=' | '>' | '>='; left: NumberTerm; right: NumberTerm }
  | { kind: 'string-compare'; op: '==' | '!='; left: StringTerm; right: StringTerm }
  | { kind: 'bool-compare'; op: '==' | '!='; left: Expr; right: Expr }
  | { kind: 'number-in'; left: NumberTerm; list: number[] }
  | { kind: 'string-in'; left: StringTerm; list: string[] };

type NumberTerm = { field: 'tools' | 'images' | 'trace.turns' | 'trace.tool_calls_per_turn' } | { value: number };
type StringTerm = { field: 'task' | 'latency' } | { value: string };

const TASKS = ['coding', 'chat', "it's", 'say "hi"'];

function readNumber(term: NumberTerm, profile: WorkloadProfile): number {
  if ('value' in term) return term.value;
  switch (term.field) {
    case 'tools':
      return profile.tools;
    case 'images':
      return profile.images;
    case 'trace.turns':
      return profile.trace.turns;
    case 'trace.tool_calls_per_turn':
      return profile.trace.turns === 0 ? 0 : profile.trace.toolCalls / profile.trace.turns;
  }
}

function readString(term: StringTerm, profile: WorkloadProfile): string {
  if ('value' in term) return term.value;
  return term.field === 'task' ? profile.task : profile.latency;
}

function reference(expr: Expr, profile: WorkloadProfile): boolean {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'flag':
      return profile[expr.field];
    case 'not':
      return !reference(expr.operand, profile);
    case 'and':
      return reference(expr.left, profile) && reference(expr.right, profile);
    case 'or':
      return reference(expr.left, profile) || reference(expr.right, profile);
    case 'number-compare': {
      const [a, b] = [readNumber(expr.left, profile), readNumber(expr.right, profile)];
      return { '==': a === b, '!=': a !== b, '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b }[expr.op];
    }
    case 'string-compare': {
      const [a, b] = [readString(expr.left, profile), readString(expr.right, profile)];
      return expr.op === '==' ? a === b : a !== b;
    }
    case 'bool-compare': {
      const [a, b] = [reference(expr.left, profile), reference(expr.right, profile)];
      return expr.op === '==' ? a === b : a !== b;
    }
    case 'number-in':
      return expr.list.includes(readNumber(expr.left, profile));
    case 'string-in':
      return expr.list.includes(readString(expr.left, profile));
  }
}

/** Binding strength: or 1, and 2, not 3, comparison 4, atom 5. */
function strength(expr: Expr): number {
  switch (expr.kind) {
    case 'or':
      return 1;
    case 'and':
      return 2;
    case 'not':
      return 3;
    case 'literal':
    case 'flag':
      return 5;
    default:
      return 4;
  }
}

const quote = (value: string): string => (value.includes('"') ? `'${value}'` : `"${value}"`);
const numberText = (term: NumberTerm): string => ('value' in term ? String(term.value) : term.field);
const stringText = (term: StringTerm): string => ('value' in term ? quote(term.value) : term.field);

/** Source text with only the parentheses precedence needs, plus the redundant ones `extra` asks for. */
function render(expr: Expr, extra: () => boolean): string {
  const child = (inner: Expr, needed: number): string => {
    const text = render(inner, extra);
    return strength(inner) < needed || (strength(inner) < 5 && extra()) ? `(${text})` : text;
  };
  switch (expr.kind) {
    case 'literal':
      return String(expr.value);
    case 'flag':
      return expr.field;
    case 'not':
      return `not ${child(expr.operand, 3)}`;
    case 'or':
      return `${child(expr.left, 1)} or ${child(expr.right, 2)}`;
    case 'and':
      return `${child(expr.left, 2)} and ${child(expr.right, 3)}`;
    case 'number-compare':
      return `${numberText(expr.left)} ${expr.op} ${numberText(expr.right)}`;
    case 'string-compare':
      return `${stringText(expr.left)} ${expr.op} ${stringText(expr.right)}`;
    case 'bool-compare':
      return `${child(expr.left, 5)} ${expr.op} ${child(expr.right, 5)}`;
    case 'number-in':
      return `${numberText(expr.left)} in [${expr.list.join(', ')}]`;
    case 'string-in':
      return `${stringText(expr.left)} in [${expr.list.map(quote).join(', ')}]`;
  }
}

const smallNumber = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constantFrom(0.5, 1.5, 2.5));
const numberTerm: fc.Arbitrary<NumberTerm> = fc.oneof(
  fc.record({ field: fc.constantFrom('tools' as const, 'images' as const, 'trace.turns' as const, 'trace.tool_calls_per_turn' as const) }),
  fc.record({ value: smallNumber }),
);
const stringTerm: fc.Arbitrary<StringTerm> = fc.oneof(fc.record({ field: fc.constantFrom('task' as const, 'latency' as const) }), fc.record({ value: fc.constantFrom(...TASKS, 'batch', 'realtime') }));

const { expr: exprArbitrary } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('literal' as const), value: fc.boolean() }),
    fc.record({ kind: fc.constant('flag' as const), field: fc.constantFrom('stream' as const, 'reasoning' as const) }),
    fc.record({ kind: fc.constant('number-compare' as const), op: fc.constantFrom('==' as const, '!=' as const, '<' as const, '<=' as const, '>' as const, '>=' as const), left: numberTerm, right: numberTerm }),
    fc.record({ kind: fc.constant('string-compare' as const), op: fc.constantFrom('==' as const, '!=' as const), left: stringTerm, right: stringTerm }),
    fc.record({ kind: fc.constant('number-in' as const), left: numberTerm, list: fc.array(smallNumber, { minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constant('string-in' as const), left: stringTerm, list: fc.array(fc.constantFrom(...TASKS, 'batch'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), operand: tie('expr') }),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('expr'), right: tie('expr') }),
    fc.record({ kind: fc.constant('bool-compare' as const), op: fc.constantFrom('==' as const, '!=' as const), left: tie('expr'), right: tie('expr') }),
  ),
}));

const profileArbitrary: fc.Arbitrary<WorkloadProfile> = fc
  .record({
    task: fc.constantFrom(...TASKS),
    latency: fc.constantFrom('realtime' as const, 'interactive' as const, 'batch' as const),
    tools: fc.integer({ min: 0, max: 6 }),
    images: fc.integer({ min: 0, max: 3 }),
    stream: fc.boolean(),
    reasoning: fc.boolean(),
    turns: fc.integer({ min: 0, max: 6 }),
    toolCalls: fc.integer({ min: 0, max: 15 }),
  })
  .map(({ turns, toolCalls, ...rest }) => profileWith({ ...rest, trace: { turns, toolCalls, tokens: 0 } }));

describe('compileExpression: agrees with a reference evaluator', () => {
  test('random well-typed expressions, minimal and redundant parentheses', () => {
    fc.assert(
      fc.property(exprArbitrary, fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }), fc.array(profileArbitrary, { minLength: 1, maxLength: 5 }), (expr, parenthesize, profiles) => {
        let index = 0;
        const source = render(expr, () => parenthesize[index++ % parenthesize.length]!);
        const compiled = compileExpression(source);
        for (const profile of profiles) assert.equal(compiled(profile), reference(expr, profile), `${source} on ${JSON.stringify(profile)}`);
      }),
      { numRuns: 500 },
    );
  });
});
