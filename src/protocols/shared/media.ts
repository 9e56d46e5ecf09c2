import { Buffer } from 'node:buffer';

/**
 * Media facts every codec needs: canonical media holds standard base64 and a normalised media type,
 * so any protocol can take it. Each codec wraps these with its own refusals and error wording.
 */

const MEDIA_TYPE_ALIASES: Record<string, string> = {
  // Anthropic accepts only image/jpeg for JPEG (PROTOCOLS.md trap 12); browsers and SDKs send all three.
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/x-png': 'image/png',
};

/** `Image/JPG; charset=binary` → `image/jpeg`. */
export function normalizeMediaType(mediaType: string): string {
  const bare = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return MEDIA_TYPE_ALIASES[bare] ?? bare;
}

export function isDataUrl(url: string): boolean {
  return url.slice(0, 5).toLowerCase() === 'data:';
}

/**
 * base64url (the Python Gemini SDK's `_9j_…`) → standard base64, whitespace removed, padding restored.
 * Cheap when there is nothing to do.
 */
export function toStandardBase64(text: string): string {
  let result = /\s/.test(text) ? text.replace(/\s+/g, '') : text;
  if (result.includes('-') || result.includes('_')) result = result.replace(/-/g, '+').replace(/_/g, '/');
  const remainder = result.length % 4;
  if (remainder === 2) result += '==';
  else if (remainder === 3) result += '=';
  return result;
}

export function isBase64Text(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

export interface DataUrl {
  /** Normalised; `''` when the URL names none (RFC 2397 then means `text/plain`). */
  mediaType: string;
  /** Standard base64 of the payload (percent-encoded payloads are re-encoded). */
  data: string;
  /** Whether the URL was marked `;base64` (its data may still be malformed). */
  base64: boolean;
}

/**
 * Any RFC 2397 data URL, read generically: media type parameters (`;charset=…`, `;name=…`) are skipped,
 * base64url is normalised, percent-encoded bytes are decoded byte by byte (a stray `%` stays as it is,
 * so no URL makes this throw). Undefined when the text is not a data URL.
 */
export function readDataUrl(url: string): DataUrl | undefined {
  const comma = url.indexOf(',');
  if (!isDataUrl(url) || comma === -1) return undefined;
  const header = url.slice(5, comma).split(';');
  const base64 = header.length > 1 && header[header.length - 1]?.trim().toLowerCase() === 'base64';
  const raw = url.slice(comma + 1);
  const data = base64 ? toStandardBase64(raw) : percentDecode(raw).toString('base64');
  return { mediaType: normalizeMediaType(header[0] ?? ''), data, base64 };
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

export function toDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${toStandardBase64(data)}`;
}

const SIGNATURES: Array<{ mediaType: string; matches: (bytes: Buffer) => boolean }> = [
  { mediaType: 'image/png', matches: (bytes) => bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) },
  { mediaType: 'image/jpeg', matches: (bytes) => bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])) },
  { mediaType: 'image/gif', matches: (bytes) => bytes.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    mediaType: 'image/webp',
    matches: (bytes) => bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  { mediaType: 'application/pdf', matches: (bytes) => bytes.subarray(0, 5).toString('latin1') === '%PDF-' },
];

/** The media type of content from its magic bytes (PNG, JPEG, GIF, WebP, PDF). */
export function sniffBytes(bytes: Buffer): string | undefined {
  return SIGNATURES.find((signature) => signature.matches(bytes))?.mediaType;
}

/** The media type of base64 content, from its magic bytes (only the first 16 are decoded). */
export function sniffMediaType(base64: string): string | undefined {
  return sniffBytes(Buffer.from(base64.slice(0, 24), 'base64'));
}

/** Document and image types OpenAI infers from a filename; Gemini keeps its own wider table. */
const EXTENSION_TYPES: Record<string, string> = {
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
  if (filename === undefined || !filename.includes('.')) return undefined;
  const extension = filename.split('.').pop()?.toLowerCase();
  return extension === undefined ? undefined : EXTENSION_TYPES[extension];
}

const DEFAULT_EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'text/plain': 'txt', 'text/markdown': 'md', 'text/csv': 'csv' };

/** OpenAI requires a filename beside inline file data; a plain one is invented when a document has no title. */
export function defaultFilename(mediaType: string): string {
  return `document.${DEFAULT_EXTENSIONS[mediaType] ?? mediaType.split('/').pop() ?? 'bin'}`;
}

/** Plain-text document sources carry text; canonical media carries base64. */
export function utf8ToBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function base64ToUtf8(data: string): string {
  return Buffer.from(toStandardBase64(data), 'base64').toString('utf8');
}
