/**
 * The request messages as Google's JSON↔proto layer sees them, as data. Google parses request
 * bodies into protos: a field it does not know is a 400 ("Unknown name"), a value of the wrong type
 * is a 400 ("Invalid value at …"), both proto (`inline_data`) and JSON (`inlineData`) spellings are
 * accepted, and errors name fields by their proto path (`contents[0].parts[1].inline_data`)
 * [PROTOCOLS.md trap 13; conformance gemini/*.request.json use both spellings].
 *
 * Fields are listed by proto name; the JSON name is derived. Only what the emulator must type-check
 * is typed: settings it merely accepts (safety, speech, built-in tools) are `value` (any JSON), so a
 * new sub-field Google adds there never fails here.
 * https://ai.google.dev/api/generate-content · https://cloud.google.com/vertex-ai/docs/reference/rest/v1/Content
 */

export type GeminiFlavor = 'gemini' | 'vertex';

export type FieldType =
  | { kind: 'string' | 'bool' | 'bytes' | 'int32' | 'int64' | 'float' | 'double' }
  /** `google.protobuf.Value`: any JSON. */
  | { kind: 'value' }
  /** `google.protobuf.Struct`: any JSON object. */
  | { kind: 'struct' }
  | { kind: 'enum'; name: string; values: readonly string[] }
  | { kind: 'message'; message: string }
  | { kind: 'map'; value: FieldType };

export interface FieldSpec {
  proto: string;
  json: string;
  type: FieldType;
  repeated: boolean;
}

export interface MessageSpec {
  /** Type name below the package, e.g. `Content`, `FunctionCallingConfig`. */
  name: string;
  fields: FieldSpec[];
  /** Oneof groups: at most one member may be set (Part's `data`). */
  oneofs?: Record<string, readonly string[]>;
}

export type MessageTable = ReadonlyMap<string, MessageSpec>;

const scalar = (kind: 'string' | 'bool' | 'bytes' | 'int32' | 'int64' | 'float' | 'double'): FieldType => ({ kind });
const STRING = scalar('string');
const BOOL = scalar('bool');
const BYTES = scalar('bytes');
const INT32 = scalar('int32');
const INT64 = scalar('int64');
const FLOAT = scalar('float');
const DOUBLE = scalar('double');
const VALUE: FieldType = { kind: 'value' };
const STRUCT: FieldType = { kind: 'struct' };
const message = (name: string): FieldType => ({ kind: 'message', message: name });
const enumeration = (name: string, values: readonly string[]): FieldType => ({ kind: 'enum', name, values });

function camelCase(proto: string): string {
  return proto.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function field(proto: string, type: FieldType, repeated = false): FieldSpec {
  return { proto, json: camelCase(proto), type, repeated };
}

const list = (proto: string, type: FieldType): FieldSpec => field(proto, type, true);

const SCHEMA_TYPE = enumeration('Type', ['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);

/** The OpenAPI-subset `Schema` of `parameters` / `responseSchema`: no `$ref`, `additionalProperties`, `const`, `$schema`. */
function schemaFields(flavor: GeminiFlavor): FieldSpec[] {
  const fields = [
    field('type', SCHEMA_TYPE), field('format', STRING), field('title', STRING), field('description', STRING), field('nullable', BOOL),
    list('enum', STRING), field('max_items', INT64), field('min_items', INT64), field('properties', { kind: 'map', value: message('Schema') }),
    list('required', STRING), field('min_properties', INT64), field('max_properties', INT64), field('min_length', INT64), field('max_length', INT64),
    field('pattern', STRING), field('example', VALUE), list('any_of', message('Schema')), list('property_ordering', STRING), field('default', VALUE),
    field('items', message('Schema')), field('minimum', DOUBLE), field('maximum', DOUBLE),
  ];
  // Vertex's v1 Schema grew these (spelled without `$`); the Gemini API's v1beta Schema has none of them.
  if (flavor === 'vertex') fields.push(field('additional_properties', VALUE), field('ref', STRING), field('defs', { kind: 'map', value: message('Schema') }));
  return fields;
}

function messages(flavor: GeminiFlavor): MessageSpec[] {
  const vertex = flavor === 'vertex';
  const request = [
    field('model', STRING), list('contents', message('Content')), field('system_instruction', message('Content')), list('tools', message('Tool')),
    field('tool_config', message('ToolConfig')), list('safety_settings', message('SafetySetting')), field('generation_config', message('GenerationConfig')),
    field('cached_content', STRING), field('service_tier', VALUE), field('store', BOOL),
  ];
  if (vertex) request.push(field('labels', { kind: 'map', value: STRING }), field('model_armor_config', VALUE));
  const functionCall = [field('id', STRING), field('name', STRING), field('args', STRUCT)];
  // Vertex streams function-call arguments (`streamFunctionCallArguments`) and accepts them back.
  if (vertex) functionCall.push(field('partial_args', VALUE, true), field('will_continue', BOOL));
  const generationConfig = [
    list('stop_sequences', STRING), field('response_mime_type', STRING), field('response_schema', message('Schema')), field('response_json_schema', VALUE),
    list('response_modalities', enumeration('GenerationConfig.Modality', ['MODALITY_UNSPECIFIED', 'TEXT', 'IMAGE', 'AUDIO'])),
    field('candidate_count', INT32), field('max_output_tokens', INT32), field('temperature', FLOAT), field('top_p', FLOAT), field('top_k', INT32),
    field('seed', INT32), field('presence_penalty', FLOAT), field('frequency_penalty', FLOAT), field('response_logprobs', BOOL), field('logprobs', INT32),
    field('enable_enhanced_civic_answers', BOOL), field('speech_config', VALUE), field('thinking_config', message('ThinkingConfig')),
    field('image_config', VALUE), field('media_resolution', VALUE),
  ];
  if (vertex) generationConfig.push(field('routing_config', VALUE), field('audio_timestamp', BOOL), field('model_config', VALUE));
  const tool = [
    list('function_declarations', message('FunctionDeclaration')), field('google_search_retrieval', VALUE), field('code_execution', VALUE),
    field('google_search', VALUE), field('url_context', VALUE), field('computer_use', VALUE), field('file_search', VALUE), field('google_maps', VALUE),
  ];
  if (vertex) tool.push(field('retrieval', VALUE), field('enterprise_web_search', VALUE));
  return [
    { name: 'GenerateContentRequest', fields: request },
    { name: 'CountTokensRequest', fields: [field('model', STRING), list('contents', message('Content')), field('generate_content_request', message('GenerateContentRequest')), ...(vertex ? [field('system_instruction', message('Content')), list('tools', message('Tool')), field('generation_config', message('GenerationConfig')), list('instances', VALUE)] : [])] },
    { name: 'Content', fields: [field('role', STRING), list('parts', message('Part'))] },
    { name: 'GenerationConfig', fields: generationConfig },
    {
      name: 'Part',
      fields: [
        field('text', STRING), field('inline_data', message('Blob')), field('function_call', message('FunctionCall')),
        field('function_response', message('FunctionResponse')), field('file_data', message('FileData')), field('executable_code', VALUE),
        field('code_execution_result', VALUE), field('thought', BOOL), field('thought_signature', BYTES), field('video_metadata', VALUE),
        field('part_metadata', STRUCT), field('media_resolution', VALUE),
      ],
      oneofs: { data: ['text', 'inline_data', 'function_call', 'function_response', 'file_data', 'executable_code', 'code_execution_result'] },
    },
    { name: 'Blob', fields: [field('mime_type', STRING), field('data', BYTES), ...(vertex ? [field('display_name', STRING)] : [])] },
    { name: 'FileData', fields: [field('mime_type', STRING), field('file_uri', STRING), ...(vertex ? [field('display_name', STRING)] : [])] },
    { name: 'FunctionCall', fields: functionCall },
    {
      name: 'FunctionResponse',
      fields: [
        field('id', STRING), field('name', STRING), field('response', STRUCT), field('will_continue', BOOL),
        field('scheduling', enumeration('FunctionResponse.Scheduling', ['SCHEDULING_UNSPECIFIED', 'SILENT', 'WHEN_IDLE', 'INTERRUPT'])), list('parts', VALUE),
      ],
    },
    { name: 'Tool', fields: tool },
    {
      name: 'FunctionDeclaration',
      fields: [
        field('name', STRING), field('description', STRING), field('behavior', enumeration('FunctionDeclaration.Behavior', ['UNSPECIFIED', 'BLOCKING', 'NON_BLOCKING'])),
        field('parameters', message('Schema')), field('parameters_json_schema', VALUE), field('response', message('Schema')), field('response_json_schema', VALUE),
      ],
    },
    { name: 'Schema', fields: schemaFields(flavor) },
    { name: 'ToolConfig', fields: [field('function_calling_config', message('FunctionCallingConfig')), field('retrieval_config', VALUE)] },
    {
      name: 'FunctionCallingConfig',
      fields: [field('mode', enumeration('FunctionCallingConfig.Mode', ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'])), list('allowed_function_names', STRING)],
    },
    // Categories and thresholds change often; accepted as strings so a new one never fails here.
    { name: 'SafetySetting', fields: [field('category', STRING), field('threshold', STRING), ...(vertex ? [field('method', STRING)] : [])] },
    {
      name: 'ThinkingConfig',
      fields: [field('include_thoughts', BOOL), field('thinking_budget', INT32), field('thinking_level', enumeration('ThinkingConfig.ThinkingLevel', ['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH']))],
    },
  ];
}

const TABLES: Record<GeminiFlavor, MessageTable> = {
  gemini: new Map(messages('gemini').map((spec) => [spec.name, spec])),
  vertex: new Map(messages('vertex').map((spec) => [spec.name, spec])),
};

export function messageTable(flavor: GeminiFlavor): MessageTable {
  return TABLES[flavor];
}

/** The proto package type names carry in "Invalid value" errors. */
export function protoPackage(flavor: GeminiFlavor): string {
  return flavor === 'vertex' ? 'google.cloud.aiplatform.v1' : 'google.ai.generativelanguage.v1beta';
}
