/**
 * `inlineData` / `fileData` parts → canonical image or document parts.
 *
 * - `inlineData {mimeType, data}` → base64 source (base64url normalised to standard base64);
 *   `image/*` → image part, every other type (PDF, audio, video, text) → document part.
 * - `fileData {fileUri, mimeType?}`: `gs://`, `files/…` and Files API URIs → `file` source
 *   (provider-bound); http(s) URLs → `url` source; the MIME type (given, or implied by the URL's
 *   extension) decides image vs document.
 */
import type { DocumentPart, ImagePart, MediaSource } from '../../canonical/types.js';
import { hasField, invalidRequest, joinPath, optionalObject, optionalString, requiredString, unsupportedFeature, type JsonObject } from './fields.js';
import { inferMediaTypeFromUrl, isGeminiFileUri, normalizeMediaType, toStandardBase64 } from './media.js';

function mediaPart(source: MediaSource, mediaType: string | undefined): ImagePart | DocumentPart {
  return mediaType?.startsWith('image/') === true ? { type: 'image', source } : { type: 'document', source };
}

/** Whether a part carries media this module decodes. */
export function isMediaPart(part: JsonObject): boolean {
  return hasField(part, 'inlineData') || hasField(part, 'fileData');
}

export function decodeMediaPart(part: JsonObject, path: string): ImagePart | DocumentPart {
  if (hasField(part, 'videoMetadata')) {
    throw unsupportedFeature(joinPath(path, 'videoMetadata'), 'video clipping and frame rates have no equivalent in other protocols');
  }
  const inline = optionalObject(part, 'inlineData', path);
  if (inline !== undefined) {
    const inlinePath = joinPath(path, 'inlineData');
    const mediaType = normalizeMediaType(requiredString(inline, 'mimeType', inlinePath));
    const data = toStandardBase64(requiredString(inline, 'data', inlinePath));
    return mediaPart({ kind: 'base64', mediaType, data }, mediaType);
  }
  const file = optionalObject(part, 'fileData', path);
  if (file === undefined) throw invalidRequest(path, 'expected inlineData or fileData');
  const filePath = joinPath(path, 'fileData');
  const uri = requiredString(file, 'fileUri', filePath);
  const given = optionalString(file, 'mimeType', filePath);
  const mediaType = given === undefined ? undefined : normalizeMediaType(given);
  const kindHint = mediaType ?? inferMediaTypeFromUrl(uri);
  if (isGeminiFileUri(uri)) {
    const source: MediaSource = { kind: 'file', fileId: uri };
    if (mediaType !== undefined) source.mediaType = mediaType;
    return mediaPart(source, kindHint);
  }
  if (!/^https?:\/\//i.test(uri)) {
    throw invalidRequest(joinPath(filePath, 'fileUri'), `must be an http(s) URL, a gs:// URI or a Files API name, got ${JSON.stringify(uri)}`);
  }
  const source: MediaSource = { kind: 'url', url: uri };
  if (mediaType !== undefined) source.mediaType = mediaType;
  return mediaPart(source, kindHint);
}
