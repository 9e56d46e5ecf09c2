/**
 * The Gemini generateContent shapes this codec writes (camelCase, as the REST reference spells them:
 * https://ai.google.dev/api/generate-content). Reading goes through `fields.ts` instead, because
 * input may use either spelling and must be validated.
 */

export interface GeminiInlineData {
  mimeType: string;
  data: string;
}

export interface GeminiFileData {
  /** Optional only for YouTube URLs; required for everything else. */
  mimeType?: string;
  fileUri: string;
}

export interface GeminiFunctionCall {
  /** Gemini's own responses usually carry no id; the API accepts client-set ids on replayed parts. */
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

export interface GeminiFunctionResponse {
  id?: string;
  name: string;
  /** Must be an object: `{output}` / `{error}` are the documented keys. */
  response: Record<string, unknown>;
  /** Gemini 3 multimodal function responses: `inlineData` / `fileData` parts. */
  parts?: GeminiPart[];
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: GeminiInlineData;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export type GeminiFinishReason =
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY';

export interface GeminiCandidate {
  content: { role: 'model'; parts: GeminiPart[] };
  finishReason?: GeminiFinishReason;
  index: number;
}

export interface GeminiResponseBody {
  candidates: GeminiCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
  createTime?: string;
}

export interface GeminiErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: Array<Record<string, unknown>>;
  };
}
