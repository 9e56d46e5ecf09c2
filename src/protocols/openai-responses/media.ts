import type { MediaSource } from '../../canonical/types.js';
import { fail, type FailureCode } from '../shared/field-reader.js';
import { isDataUrl, readDataUrl } from '../shared/media.js';

/**
 * Media in the Responses API travels as `image_url` / `file_url` strings (https or RFC 2397 data
 * URLs), as inline `file_data`, or as an OpenAI `file_id`. The generic facts live in
 * `../shared/media.ts`; this file holds the Responses wording.
 */
export { defaultFilename, isDataUrl, mediaTypeForFilename, normalizeMediaType, toDataUrl, toStandardBase64 } from '../shared/media.js';

/** A data URL as canonical base64 media; one that names no media type is refused. */
export function parseDataUrl(url: string, path: string, code: FailureCode = 'invalid_request'): { mediaType: string; data: string } {
  const parsed = readDataUrl(url) ?? fail(path, 'expected a data URL of the form data:<media type>;base64,<data>', code);
  if (parsed.mediaType === '') fail(path, 'the data URL names no media type', code);
  return { mediaType: parsed.mediaType, data: parsed.data };
}

/** An `image_url` / `file_url` value as a canonical source: data URLs become base64, others stay URLs. */
export function sourceFromUrl(url: string, path: string, code: FailureCode = 'invalid_request'): MediaSource {
  if (isDataUrl(url)) {
    const { mediaType, data } = parseDataUrl(url, path, code);
    return { kind: 'base64', mediaType, data };
  }
  if (!/^https?:\/\//i.test(url)) fail(path, 'expected an http(s) URL or a data URL', code);
  return { kind: 'url', url };
}
