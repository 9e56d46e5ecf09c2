/**
 * Google's JSON→proto parse, reproduced over the tables in wire-schema.ts: unknown names, wrong
 * types, lists where a single value belongs and two members of a oneof are 400s with Google's
 * wording, every violation listed (the real API reports them all, one per line). On success the
 * body comes back normalised: JSON (camelCase) names, integers as numbers, enums as their
 * upper-case names; `Value` / `Struct` fields untouched.
 */
import { messageTable, protoPackage, type FieldSpec, type FieldType, type GeminiFlavor, type MessageSpec, type MessageTable } from './wire-schema.js';

export interface FieldViolation {
  /** Proto path of the field at fault; absent for the root. */
  field?: string;
  description: string;
}

export type WireObject = Record<string, unknown>;

export type WireParseResult = { value: WireObject } | { violations: FieldViolation[] };

const PAYLOAD = 'Invalid JSON payload received.';
const MAXIMUM_VIOLATIONS = 20;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

export function parseWireMessage(body: unknown, messageName: string, flavor: GeminiFlavor): WireParseResult {
  const parser = new WireParser(messageTable(flavor), protoPackage(flavor));
  if (!isObject(body)) return { violations: [{ description: `${PAYLOAD} Unknown name "": Root element must be a message.` }] };
  const value = parser.message(body, messageName, '');
  return parser.violations.length > 0 ? { violations: parser.violations } : { value };
}

class WireParser {
  readonly violations: FieldViolation[] = [];

  constructor(private readonly table: MessageTable, private readonly packageName: string) {}

  message(body: WireObject, name: string, path: string): WireObject {
    const spec = this.table.get(name) as MessageSpec;
    const result: WireObject = {};
    const setBy = new Map<string, string>();
    for (const [key, raw] of Object.entries(body)) {
      if (raw === undefined) continue;
      const field = spec.fields.find((candidate) => candidate.json === key || candidate.proto === key);
      if (field === undefined) {
        this.violate(path, `${PAYLOAD} Unknown name ${JSON.stringify(key)}${at(path)}: Cannot find field.`);
        continue;
      }
      // Proto JSON reads null as "not set", except in a Value, where null is a value.
      if (raw === null && field.type.kind !== 'value') continue;
      const group = Object.entries(spec.oneofs ?? {}).find(([, members]) => members.includes(field.proto))?.[0];
      if (group !== undefined) {
        if (setBy.has(group)) {
          this.violate(path, `${PAYLOAD} Oneof field '${group}' is already set. Cannot set '${key}'`);
          continue;
        }
        setBy.set(group, key);
      }
      const fieldPath = path === '' ? field.proto : `${path}.${field.proto}`;
      const parsed = this.field(field, raw, key, fieldPath, path);
      if (parsed !== undefined) result[field.json] = parsed;
    }
    return result;
  }

  private field(field: FieldSpec, raw: unknown, key: string, fieldPath: string, parentPath: string): unknown {
    if (field.repeated) {
      // Google also takes a lone value where a list belongs.
      const items = Array.isArray(raw) ? raw : [raw];
      return items.map((item, index) => this.value(field.type, item, `${fieldPath}[${index}]`));
    }
    if (Array.isArray(raw) && field.type.kind !== 'value') {
      this.violate(parentPath, `${PAYLOAD} Unknown name ${JSON.stringify(key)}${at(parentPath)}: Proto field is not repeating, cannot start list.`);
      return undefined;
    }
    return this.value(field.type, raw, fieldPath);
  }

  private value(type: FieldType, raw: unknown, path: string): unknown {
    switch (type.kind) {
      case 'value':
        return raw;
      case 'struct':
        return isObject(raw) ? raw : this.invalid(path, 'type.googleapis.com/google.protobuf.Struct', raw);
      case 'message':
        return isObject(raw) ? this.message(raw, type.message, path) : this.invalid(path, `type.googleapis.com/${this.packageName}.${type.message}`, raw);
      case 'map': {
        if (!isObject(raw)) return this.invalid(path, 'TYPE_MESSAGE', raw);
        const entries: WireObject = {};
        Object.entries(raw).forEach(([name, entry], index) => {
          if (entry !== null) entries[name] = this.value(type.value, entry, `${path}[${index}].value`);
        });
        return entries;
      }
      case 'enum':
        return this.enumValue(type, raw, path);
      case 'string':
        return typeof raw === 'string' ? raw : this.invalid(path, 'TYPE_STRING', raw);
      case 'bool':
        return typeof raw === 'boolean' ? raw : this.invalid(path, 'TYPE_BOOL', raw);
      case 'bytes':
        if (typeof raw !== 'string') return this.invalid(path, 'TYPE_BYTES', raw);
        if (!BASE64.test(raw)) {
          this.violate(path, `Invalid value at '${path}' (TYPE_BYTES), Base64 decoding failed for ${JSON.stringify(raw)}`, path);
          return undefined;
        }
        return raw;
      case 'int32':
      case 'int64': {
        // Proto JSON takes integers as numbers or numeric strings.
        const number = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
        return typeof number === 'number' && Number.isInteger(number) ? number : this.invalid(path, `TYPE_${type.kind.toUpperCase()}`, raw);
      }
      case 'float':
      case 'double': {
        const number = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
        return typeof number === 'number' && !Number.isNaN(number) ? number : this.invalid(path, `TYPE_${type.kind.toUpperCase()}`, raw);
      }
    }
  }

  /** Enum names match in any case (clients send `"object"` for `OBJECT` and Google takes it); numbers by position. */
  private enumValue(type: Extract<FieldType, { kind: 'enum' }>, raw: unknown, path: string): string | undefined {
    if (typeof raw === 'string') {
      const match = type.values.find((value) => value === raw.toUpperCase());
      if (match !== undefined) return match;
    } else if (typeof raw === 'number' && Number.isInteger(raw) && type.values[raw] !== undefined) {
      return type.values[raw];
    }
    return this.invalid(path, `type.googleapis.com/${this.packageName}.${type.name}`, raw);
  }

  private invalid(path: string, typeName: string, raw: unknown): undefined {
    this.violate(path, `Invalid value at '${path}' (${typeName}), ${JSON.stringify(raw)}`, path);
    return undefined;
  }

  private violate(path: string, description: string, field: string = path): void {
    if (this.violations.length >= MAXIMUM_VIOLATIONS) return;
    this.violations.push(field === '' ? { description } : { field, description });
  }
}

function at(path: string): string {
  return path === '' ? '' : ` at '${path}'`;
}

export function isObject(value: unknown): value is WireObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
