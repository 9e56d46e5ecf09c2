/**
 * Strings that read like what a model would put in a tool argument: a city for `city`, an email
 * for `format: email`, the user's question for `query`. Words come from the conversation first,
 * so "weather in Lisbon" yields `{"city":"Lisbon"}`.
 */
import type { SeededRandom } from '../random.js';
import type { ValueHints } from './json-schema-value.js';

const CITIES = ['Paris', 'London', 'Tokyo', 'Lisbon', 'Toronto', 'Berlin', 'Nairobi', 'Sydney'];
const COUNTRIES = ['UK', 'France', 'Japan', 'Portugal', 'Canada', 'Germany', 'Kenya', 'Australia'];
const NAMES = ['Alex Morgan', 'Sam Rivera', 'Jordan Lee', 'Priya Shah', 'Chen Wei'];
const TICKERS = ['AAPL', 'MSFT', 'NVDA', 'GOOGL', 'AMZN'];
const FILLER_WORDS = ['summary', 'report', 'status', 'overview', 'details', 'update', 'notes'];

export function plausibleString(propertyName: string, format: string | undefined, random: SeededRandom, hints: ValueHints): string {
  const byFormat = format === undefined ? undefined : stringForFormat(format, random);
  if (byFormat !== undefined) return byFormat;
  const name = propertyName.toLowerCase();
  // The first fitting proper noun the user wrote: "weather in Lisbon" → Lisbon, "price of NVDA" → NVDA.
  const placeOrPerson = hints.properNouns.find((word) => !isAcronym(word));
  const acronym = hints.properNouns.find(isAcronym);
  if (/(city|location|place|destination|origin|town)/.test(name)) return placeOrPerson ?? random.pick(CITIES);
  if (/country/.test(name)) return hints.properNouns[0] ?? random.pick(COUNTRIES);
  if (/(query|question|prompt|search|text|message|input|q$)/.test(name)) return hints.query.length > 0 ? hints.query.slice(0, 120) : 'latest status';
  if (/(ticker|symbol)/.test(name)) return acronym ?? random.pick(TICKERS);
  if (/email/.test(name)) return 'alex.morgan@example.com';
  if (/(url|link|href|website)/.test(name)) return `https://example.com/${keyword(random, hints)}`;
  if (/(^|_)(name|author|user|person|customer)/.test(name)) return placeOrPerson ?? random.pick(NAMES);
  if (/(unit|units)/.test(name)) return random.pick(['celsius', 'metric']);
  if (/(lang|language|locale)/.test(name)) return 'en';
  if (/(path|file)/.test(name)) return `docs/${keyword(random, hints)}.md`;
  if (/(date|day)$/.test(name)) return '2026-05-14';
  if (/(^id$|_id$|identifier)/.test(name)) return `${name.replace(/_?id$/, '') || 'item'}_${random.alphanumeric(8).toLowerCase()}`;
  if (/(title|subject|topic|category|tag|label|keyword)/.test(name)) return capitalise(keyword(random, hints));
  if (/(description|summary|reason|comment|content|body|answer)/.test(name)) return `A short ${keyword(random, hints)} note.`;
  return keyword(random, hints);
}

function stringForFormat(format: string, random: SeededRandom): string | undefined {
  switch (format) {
    case 'email': return 'alex.morgan@example.com';
    case 'uri': case 'url': case 'iri': return `https://example.com/${random.alphanumeric(6).toLowerCase()}`;
    case 'date': return `2026-0${random.integer(1, 9)}-1${random.integer(0, 9)}`;
    case 'date-time': return `2026-0${random.integer(1, 9)}-1${random.integer(0, 9)}T${10 + random.integer(0, 9)}:30:00Z`;
    case 'time': return `${10 + random.integer(0, 9)}:30:00`;
    case 'uuid': return uuid(random);
    case 'hostname': return 'api.example.com';
    case 'ipv4': return `192.168.${random.integer(0, 255)}.${random.integer(1, 254)}`;
    case 'ipv6': return '2001:db8::1';
    case 'duration': return `PT${random.integer(1, 59)}M`;
    default: return undefined;
  }
}

function uuid(random: SeededRandom): string {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function keyword(random: SeededRandom, hints: ValueHints): string {
  return hints.keywords.length > 0 ? random.pick(hints.keywords.slice(0, 4)) : random.pick(FILLER_WORDS);
}

function isAcronym(word: string): boolean {
  return word.length <= 5 && word === word.toUpperCase();
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
