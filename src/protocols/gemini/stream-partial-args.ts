/**
 * Vertex `streamFunctionCallArguments`: a call opens as `functionCall {name, willContinue: true}`,
 * its arguments arrive as `partialArgs [{jsonPath, stringValue | numberValue | boolValue | nullValue,
 * willContinue}]`, and an empty `functionCall {}` closes it
 * [conformance gemini/stream-partial-args.stream.jsonl]. A string value with `willContinue: true` is
 * continued by the next partial for the same path (appended). Paths are RFC 9535 JSON paths
 * (`$.a.b[0]`, `$['key']`).
 */
import { GatewayError } from '../../errors/catalogue.js';
import { field, isObject, type JsonObject } from './fields.js';

type PathSegment = string | number;

export function parseJsonPath(path: string): PathSegment[] {
  if (!path.startsWith('$')) throw badPath(path);
  const segments: PathSegment[] = [];
  const pattern = /\.([^.[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (match === null) throw badPath(path);
    const [, dotted, index, single, double] = match;
    if (dotted !== undefined) segments.push(dotted);
    else if (index !== undefined) segments.push(Number(index));
    else segments.push((single ?? double ?? '').replace(/\\(.)/g, '$1'));
  }
  return segments;
}

function badPath(path: string): GatewayError {
  return new GatewayError('upstream_bad_response', `Gemini partialArgs has an unreadable jsonPath ${JSON.stringify(path)}`);
}

type Container = JsonObject | unknown[];

function child(container: Container, key: PathSegment): unknown {
  return Array.isArray(container) ? container[Number(key)] : container[String(key)];
}

function assign(container: Container, key: PathSegment, value: unknown): void {
  if (Array.isArray(container)) container[Number(key)] = value;
  else container[String(key)] = value;
}

/** The arguments object of one call being streamed in pieces. */
export class PartialCallArguments {
  readonly args: JsonObject;
  private readonly continuing = new Set<string>();

  constructor(initial: JsonObject = {}) {
    this.args = { ...initial };
  }

  apply(partial: unknown): void {
    if (!isObject(partial)) return;
    const jsonPath = field(partial, 'jsonPath');
    if (typeof jsonPath !== 'string') throw badPath(String(jsonPath));
    const segments = parseJsonPath(jsonPath);
    const stringValue = field(partial, 'stringValue');
    let value: unknown;
    if (typeof stringValue === 'string') {
      const previous = this.continuing.has(jsonPath) ? this.read(segments) : undefined;
      value = typeof previous === 'string' ? previous + stringValue : stringValue;
    } else if (field(partial, 'numberValue') !== undefined) value = field(partial, 'numberValue');
    else if (field(partial, 'boolValue') !== undefined) value = field(partial, 'boolValue');
    else if (field(partial, 'nullValue') !== undefined) value = null;
    else return;
    this.write(segments, value);
    if (field(partial, 'willContinue') === true) this.continuing.add(jsonPath);
    else this.continuing.delete(jsonPath);
  }

  private read(segments: PathSegment[]): unknown {
    let node: unknown = this.args;
    for (const segment of segments) {
      if (!isObject(node) && !Array.isArray(node)) return undefined;
      node = child(node, segment);
    }
    return node;
  }

  private write(segments: PathSegment[], value: unknown): void {
    if (segments.length === 0) return;
    let node: Container = this.args;
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) {
        assign(node, segment, value);
        return;
      }
      const next = child(node, segment);
      const nextSegment = segments[index + 1];
      if (isObject(next) || Array.isArray(next)) node = next;
      else {
        const created: Container = typeof nextSegment === 'number' ? [] : {};
        assign(node, segment, created);
        node = created;
      }
    });
  }
}
