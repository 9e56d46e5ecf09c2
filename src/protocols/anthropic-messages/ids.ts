/**
 * Anthropic message ids look like `msg_01VdEjxAP5ahtHKrrRdNBteQ`. A provider id that already is one
 * is kept; any other (`chatcmpl-…`, `resp_…`, a Gemini `responseId`) becomes `msg_` + its characters
 * that are safe in an id, so the same upstream id always yields the same Anthropic id.
 */
export function toAnthropicMessageId(id: string, fallback: string): string {
  if (/^msg_[A-Za-z0-9_-]+$/.test(id)) return id;
  const safe = id.replace(/[^A-Za-z0-9_-]/g, '');
  if (safe !== '') return `msg_${safe}`;
  const fallbackSafe = fallback.replace(/[^A-Za-z0-9_-]/g, '');
  return `msg_${fallbackSafe === '' ? 'gateway' : fallbackSafe}`;
}
