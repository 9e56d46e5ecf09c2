import { fail, type FailureCode } from './validate.js';

/**
 * Media in Chat travels as URLs: `https://…` or `data:<type>[;params][;base64],<data>`. Canonical
 * media holds standard base64 plus a normalised media type, so every other protocol can take it.
 */

export interface DataUrl {
  mediaType: string;
  /** Standard base64 (never base64url, never padded-away). */
  data: string;
}

const mediaTypeAliases: Record<string, string> = {
  // Anthropic accepts only image/jpeg for JPEG (PROTOCOLS.md trap 12); browsers and SDKs send all three.
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
};

export function normalizeMediaType(mediaType: string): string {
  const bare = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaTypeAliases[bare] ?? bare;
}

export function isDataUrl(url: string): boolean {
  return url.slice(0, 5).toLowerCase() === 'data:';
}

/**
 * Parses any RFC 2397 data URL: media type parameters (`;charset=…`, `;name=…`) are skipped, base64
 * (or base64url, as the Python Gemini SDK writes it) is normalised, percent-encoded data is re-encoded
 * as base64. A missing or generic media type is sniffed from the first bytes.
 */
export function parseDataUrl(url: string, path: string, code: FailureCode = 'invalid_request'): DataUrl {
  const comma = url.indexOf(',');
  if (!isDataUrl(url) || comma === -1) fail(path, 'expected a data URL of the form data:<media type>;base64,<data>', code);
  const header = url.slice(5, comma).split(';');
  const isBase64 = header.length > 1 && header[header.length - 1]?.trim().toLowerCase() === 'base64';
  const raw = url.slice(comma + 1);
  let data: string;
  if (isBase64) {
    data = toStandardBase64(raw);
    if (!isBase64Text(data)) fail(path, 'the data URL is marked base64 but its data is not valid base64', code);
  } else {
    data = percentDecode(raw).toString('base64');
  }
  let mediaType = normalizeMediaType(header[0] ?? '');
  if (mediaType === '' || mediaType === 'application/octet-stream') {
    mediaType = sniffMediaType(data) ?? fail(path, 'the data URL names no media type and its content is not a recognised image or PDF', code);
  }
  return { mediaType, data };
}

export function toDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${toStandardBase64(data)}`;
}

/** base64url → base64, whitespace removed, padding restored. Cheap when there is nothing to do. */
export function toStandardBase64(text: string): string {
  let result = /[\s]/.test(text) ? text.replace(/\s+/g, '') : text;
  if (result.includes('-') || result.includes('_')) result = result.replace(/-/g, '+').replace(/_/g, '/');
  const remainder = result.length % 4;
  if (remainder === 2) result += '==';
  else if (remainder === 3) result += '=';
  return result;
}

function isBase64Text(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function percentDecode(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    const hex = text.slice(index + 1, index + 3);
    if (char === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(char ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

const signatures: Array<{ mediaType: string; matches: (bytes: Buffer) => boolean }> = [
  { mediaType: 'image/png', matches: (bytes) => bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) },
  { mediaType: 'image/jpeg', matches: (bytes) => bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) },
  { mediaType: 'image/gif', matches: (bytes) => bytes.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    mediaType: 'image/webp',
    matches: (bytes) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { mediaType: 'application/pdf', matches: (bytes) => bytes.subarray(0, 5).toString('latin1') === '%PDF-' },
];

/** The media type of base64 content, from its magic bytes (only the first 16 are decoded). */
export function sniffMediaType(base64: string): string | undefined {
  const head = Buffer.from(base64.slice(0, 24), 'base64');
  return signatures.find((signature) => signature.matches(head))?.mediaType;
}

const extensionTypes: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

export function mediaTypeForFilename(filename: string | undefined): string | undefined {
  const extension = filename?.split('.').pop()?.toLowerCase();
  return extension === undefined ? undefined : extensionTypes[extension];
}

const defaultExtensions: Record<string, string> = { 'application/pdf': 'pdf', 'text/plain': 'txt', 'text/markdown': 'md', 'text/csv': 'csv' };

/** OpenAI requires a filename beside `file_data`; invent a plain one when the document has no title. */
export function defaultFilename(mediaType: string): string {
  return `document.${defaultExtensions[mediaType] ?? mediaType.split('/').pop() ?? 'bin'}`;
}

/** Only http(s) URLs and data URLs are images Chat understands. */
export function checkImageUrl(url: string, path: string): void {
  if (isDataUrl(url)) return;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http') {
    fail(path, `image URLs must be https:// or data: URLs, got ${scheme === undefined ? 'no scheme' : `"${scheme}:"`}`);
  }
}
