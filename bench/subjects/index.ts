/** Every subject, in the order they run and appear in the report. */
import { direct } from './direct.js';
import { bareProxy, parseProxy } from './node-proxies.js';
import { portkey } from './portkey.js';
import { switchyard } from './switchyard.js';
import type { SubjectDefinition } from './types.js';

export const SUBJECTS: readonly SubjectDefinition[] = [direct, bareProxy, parseProxy, switchyard, portkey];

/** The id every ratio is relative to. */
export const REFERENCE_SUBJECT = 'bare-proxy';
