/**
 * The small language of routing rules: `trace.turns >= 10 and trace.tool_calls_per_turn > 2`.
 * Compiled once when the config loads into one small JavaScript function per rule, so evaluating a
 * thousand rules costs a thousand cheap calls (see bench/routing-decision.ts). The generated code
 * holds only field reads from PROFILE_FIELDS, operators and JSON-encoded constants: nothing from the
 * config is ever evaluated as code. Every field and every comparison is type-checked at compile
 * time: a typo or `task > 3` fails `config check`, never a request.
 *
 *   expr  := or
 *   or    := and ("or" and)*
 *   and   := not ("and" not)*
 *   not   := "not" not | cmp
 *   cmp   := value (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in") value)?
 *   value := number | "string" | 'string' | true | false | field | "[" value ("," value)* "]" | "(" expr ")"
 */
import { PROFILE_FIELDS, type ProfileFieldName, type WorkloadProfile } from './profile.js';

export class ExpressionError extends Error {
  constructor(message: string, readonly position: number) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type ValueType = 'number' | 'string' | 'boolean' | 'list';
interface Node {
  type: ValueType;
  /** For lists: the element type. */
  elementType?: ValueType;
  /** A JavaScript expression over `p` (the profile) and `lists` (the literal lists' sets). */
  code: string;
  /** Literal values only. */
  constant?: unknown;
}

type Token =
  | { kind: 'number'; value: number; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'word'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; at: number };

export type CompiledPredicate = (profile: WorkloadProfile) => boolean;

/** Compile a rule's `when`; throws ExpressionError naming the position and the problem. */
export function compileExpression(source: string): CompiledPredicate {
  const lists: Array<Set<unknown>> = [];
  const parser = new Parser(tokenize(source), lists);
  const node = parser.expression();
  parser.expectEnd();
  if (node.type !== 'boolean') throw new ExpressionError(`the expression is a ${node.type}, not a condition (compare it with something)`, 0);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code built from checked tokens only (see above)
  const evaluate = new Function('lists', `return (p) => (${node.code}) === true;`) as (lists: Array<Set<unknown>>) => CompiledPredicate;
  return evaluate(lists);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index]!;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const rest = source.slice(index);
    const number = /^\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(rest);
    if (number !== null) {
      const value = Number(number[0]);
      // JSON.stringify writes Infinity as `null`, which would compare as 0 in the compiled code.
      if (!Number.isFinite(value)) throw new ExpressionError(`the number ${number[0]} at ${index + 1} is too large`, index);
      tokens.push({ kind: 'number', value, at: index });
      index += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    if (word !== null) {
      tokens.push({ kind: 'word', value: word[0], at: index });
      index += word[0].length;
      continue;
    }
    if (char === '"' || char === "'") {
      const end = source.indexOf(char, index + 1);
      if (end < 0) throw new ExpressionError(`unterminated string starting at ${index + 1}`, index);
      tokens.push({ kind: 'string', value: source.slice(index + 1, end), at: index });
      index = end + 1;
      continue;
    }
    const op = /^(?:==|!=|<=|>=|<|>|\(|\)|\[|\]|,)/.exec(rest);
    if (op !== null) {
      tokens.push({ kind: 'op', value: op[0], at: index });
      index += op[0].length;
      continue;
    }
    throw new ExpressionError(`unexpected "${char}" at ${index + 1}`, index);
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in']);

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[], private readonly lists: Array<Set<unknown>>) {}

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isWord(value: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.value === value;
  }

  private isOp(value: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.value === value;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw new ExpressionError(`unexpected ${describe(token)} at ${token.at + 1}`, token.at);
  }

  expression(): Node {
    let left = this.conjunction();
    while (this.isWord('or')) {
      const at = this.next().at;
      const right = this.conjunction();
      requireBoolean(left, 'or', at);
      requireBoolean(right, 'or', at);
      left = { type: 'boolean', code: `(${left.code} || ${right.code})` };
    }
    return left;
  }

  private conjunction(): Node {
    let left = this.negation();
    while (this.isWord('and')) {
      const at = this.next().at;
      const right = this.negation();
      requireBoolean(left, 'and', at);
      requireBoolean(right, 'and', at);
      left = { type: 'boolean', code: `(${left.code} && ${right.code})` };
    }
    return left;
  }

  private negation(): Node {
    if (this.isWord('not')) {
      const at = this.next().at;
      const operand = this.negation();
      requireBoolean(operand, 'not', at);
      return { type: 'boolean', code: `!${operand.code}` };
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.value();
    const token = this.peek();
    const op = token.kind === 'op' || token.kind === 'word' ? token.value : '';
    if (!COMPARISONS.has(op)) return left;
    this.next();
    const right = this.value();
    return compare(left, op, right, token.at);
  }

  private value(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return constant('number', token.value);
      case 'string':
        return constant('string', token.value);
      case 'word':
        if (token.value === 'true' || token.value === 'false') return constant('boolean', token.value === 'true');
        return field(token.value, token.at);
      case 'op':
        if (token.value === '(') {
          const inner = this.expression();
          if (!this.isOp(')')) throw new ExpressionError(`expected ")" at ${this.peek().at + 1}`, this.peek().at);
          this.next();
          return inner;
        }
        if (token.value === '[') return this.list(token.at);
        throw new ExpressionError(`unexpected "${token.value}" at ${token.at + 1}`, token.at);
      case 'end':
        throw new ExpressionError('the expression ends too early', token.at);
    }
  }

  private list(at: number): Node {
    const items: Node[] = [];
    if (!this.isOp(']')) {
      do {
        items.push(this.value());
      } while (this.isOp(',') && this.next());
    }
    if (!this.isOp(']')) throw new ExpressionError(`expected "]" at ${this.peek().at + 1}`, this.peek().at);
    this.next();
    const elementType = items[0]?.type;
    if (items.some((item) => !('constant' in item))) throw new ExpressionError(`a list holds literal values only (at ${at + 1})`, at);
    if (items.some((item) => item.type !== elementType || item.type === 'list')) throw new ExpressionError(`a list holds values of one type (at ${at + 1})`, at);
    this.lists.push(new Set(items.map((item) => item.constant)));
    return { type: 'list', elementType: elementType ?? 'string', code: `lists[${this.lists.length - 1}]` };
  }
}

function constant(type: ValueType, value: unknown): Node {
  // JSON text is a valid JavaScript literal for every number, string and boolean the tokenizer makes.
  return { type, code: JSON.stringify(value), constant: value };
}

function field(name: string, at: number): Node {
  const spec = Object.hasOwn(PROFILE_FIELDS, name) ? PROFILE_FIELDS[name as ProfileFieldName] : undefined;
  if (spec === undefined) {
    throw new ExpressionError(`unknown field "${name}" at ${at + 1}; fields: ${Object.keys(PROFILE_FIELDS).join(', ')}`, at);
  }
  return { type: spec.type, code: spec.code };
}

function requireBoolean(node: Node, op: string, at: number): void {
  if (node.type !== 'boolean') throw new ExpressionError(`"${op}" at ${at + 1} needs conditions on both sides, got a ${node.type}`, at);
}

function compare(left: Node, op: string, right: Node, at: number): Node {
  if (op === 'in') {
    if (right.type !== 'list') throw new ExpressionError(`"in" at ${at + 1} needs a list on its right, e.g. ["coding", "review"]`, at);
    if (right.elementType !== left.type) throw new ExpressionError(`"in" at ${at + 1} compares a ${left.type} with a list of ${right.elementType}s`, at);
    return { type: 'boolean', code: `${right.code}.has(${left.code})` };
  }
  if (left.type !== right.type || left.type === 'list') {
    throw new ExpressionError(`"${op}" at ${at + 1} compares a ${left.type} with a ${right.type}`, at);
  }
  if (op === '==') return { type: 'boolean', code: `(${left.code} === ${right.code})` };
  if (op === '!=') return { type: 'boolean', code: `(${left.code} !== ${right.code})` };
  if (left.type !== 'number') throw new ExpressionError(`"${op}" at ${at + 1} orders numbers, not ${left.type}s`, at);
  return { type: 'boolean', code: `(${left.code} ${op} ${right.code})` };
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end' : `"${String(token.value)}"`;
}
