/**
 * Model names as providers spell them in requests and responses: one catalog entry covers its dated
 * snapshots (`gpt-5.5-2026-04-23`, `claude-sonnet-4-6-20260115`, Vertex's `claude-sonnet-4-5@20250929`,
 * `gemini-3.1-pro-preview`, DeepSeek's `-0813`), but never a different model that merely shares a
 * prefix: `gpt-5.4-pro` costs twelve times `gpt-5.4`, so an unknown sibling is unknown, not cheap.
 */

/**
 * What may follow a catalog name in a snapshot of the same model: one or more `-`/`@` segments, each a
 * date (`2026-04-23`, `09-2025`, `03-25`), a 3–8 digit stamp (`20260115`, `0813`, `001`) or a release
 * word. A lone 1–2 digit segment is refused: `claude-opus-4` + `-1` is Opus 4.1, another model.
 */
const SNAPSHOT_SUFFIX = /^(?:[-@](?:\d{4}-\d{2}-\d{2}|\d{2}-\d{4}|\d{2}-\d{2}|\d{3,8}|preview|latest|exp))+$/;

/** Lower case, trimmed, without Gemini's `models/` resource prefix. */
export function normalizeModelName(model: string): string {
  const name = model.trim().toLowerCase();
  return name.startsWith('models/') ? name.slice('models/'.length) : name;
}

/** Whether `name` is `base` itself or a snapshot of it (both normalized). */
export function isSnapshotOf(name: string, base: string): boolean {
  if (!name.startsWith(base)) return false;
  const rest = name.slice(base.length);
  return rest === '' || SNAPSHOT_SUFFIX.test(rest);
}

/**
 * The longest of `keys` that `name` is, or is a snapshot of; else the `wildcard` key when present.
 * Longest wins so `gpt-5.5-pro-2026-05-01` finds `gpt-5.5-pro`, never `gpt-5.5`.
 */
export function matchModelKey(name: string, keys: Iterable<string>, wildcard?: string): string | undefined {
  let best: string | undefined;
  let sawWildcard = false;
  for (const key of keys) {
    if (key === wildcard) sawWildcard = true;
    else if ((best === undefined || key.length > best.length) && isSnapshotOf(name, key)) best = key;
  }
  return best ?? (sawWildcard ? wildcard : undefined);
}
