/**
 * Responses `input` (a string or items) → the core's conversation, with the checks the real API
 * makes on items: which content parts a role may carry, replayed reasoning that must verify
 * (`encrypted_content`) or be a stored item (by `id`), and function calls and outputs that must
 * pair up by `call_id` across the whole conversation, including a `previous_response_id`'s.
 */
import { emulatorError, type EmulatorError } from '../../errors.js';
import type { PromptMessage, PromptPart } from '../../types.js';
import { abbreviateToken, type ReasoningVault } from './encrypted-content.js';
import type { ResponsesContentPart, ResponsesInputItem, ResponsesToolOutputPart } from './request-schema.js';
import type { ResponseStore } from './store.js';

export interface InputDependencies {
  store: ResponseStore;
  vault: ReasoningVault;
}

const USER_PARTS = ['input_text', 'input_image', 'input_file'];
const ASSISTANT_PARTS = ['output_text', 'refusal'];

export function decodeInput(input: string | readonly ResponsesInputItem[], dependencies: InputDependencies): PromptMessage[] | EmulatorError {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', text: input }] }];
  const messages: PromptMessage[] = [];
  // Consecutive assistant-side items (text, calls) form one assistant turn, as in a chat transcript.
  let openAssistant: PromptMessage | undefined;
  const assistantTurn = (): PromptMessage => {
    if (openAssistant === undefined) {
      openAssistant = { role: 'assistant', parts: [] };
      messages.push(openAssistant);
    }
    return openAssistant;
  };
  for (const [index, item] of input.entries()) {
    switch (item.type) {
      case 'message': {
        const partError = checkParts(item.role, item.content, index);
        if (partError !== undefined) return partError;
        if (item.role === 'assistant') {
          assistantTurn().parts.push(...assistantParts(item.content));
          break;
        }
        openAssistant = undefined;
        messages.push({ role: item.role === 'user' ? 'user' : 'system', parts: inputParts(item.content) });
        break;
      }
      case 'function_call':
        assistantTurn().parts.push({ type: 'tool-call', id: item.call_id, name: item.name, argumentsJson: item.arguments });
        break;
      case 'function_call_output':
        openAssistant = undefined;
        messages.push({ role: 'tool', parts: toolOutputParts(item.call_id, item.output) });
        break;
      case 'reasoning': {
        // Replayed reasoning is checked, then adds nothing the generator reads.
        const reasoningError = checkReasoning(item, index, dependencies);
        if (reasoningError !== undefined) return reasoningError;
        break;
      }
      case 'item_reference': {
        const stored = dependencies.store.item(item.id);
        if (stored === undefined) return itemNotFound(item.id);
        if (stored.kind === 'message') assistantTurn().parts.push(...stored.message.parts);
        break;
      }
      default:
        // Items of hosted tools the emulator never runs: accepted and not interpreted.
        break;
    }
  }
  return messages;
}

/** Every function output answers an earlier call, and every call is answered (OpenAI's wording). */
export function checkCallPairs(messages: readonly PromptMessage[]): EmulatorError | undefined {
  const answered = new Map<string, boolean>();
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.type === 'tool-call') answered.set(part.id, false);
      if (part.type !== 'tool-result') continue;
      if (!answered.has(part.callId)) {
        return emulatorError('invalid-request', 400, `No tool call found for function call output with call_id ${part.callId}.`, { param: 'input' });
      }
      answered.set(part.callId, true);
    }
  }
  for (const [callId, done] of answered) {
    if (!done) return emulatorError('invalid-request', 400, `No tool output found for function call ${callId}.`, { param: 'input' });
  }
  return undefined;
}

/** Tool results name their function, looked up from the call they answer. */
export function nameToolResults(messages: PromptMessage[]): PromptMessage[] {
  const names = new Map<string, string>();
  return messages.map((message) => ({
    ...message,
    parts: message.parts.map((part): PromptPart => {
      if (part.type === 'tool-call') names.set(part.id, part.name);
      return part.type === 'tool-result' && part.name === undefined ? { ...part, name: names.get(part.callId) } : part;
    }),
  }));
}

function checkParts(role: string, content: string | readonly ResponsesContentPart[], index: number): EmulatorError | undefined {
  if (typeof content === 'string') return undefined;
  const allowed = role === 'assistant' ? ASSISTANT_PARTS : USER_PARTS;
  for (const [position, part] of content.entries()) {
    if (allowed.includes(part.type)) continue;
    const list = allowed.map((type) => `'${type}'`);
    const supported = list.length === 2 ? list.join(' and ') : `${list.slice(0, -1).join(', ')}, and ${list.at(-1) ?? ''}`;
    return emulatorError('invalid-request', 400, `Invalid value: '${part.type}'. Supported values are: ${supported}.`, { param: `input[${index}].content[${position}]`, code: 'invalid_value' });
  }
  return undefined;
}

function inputParts(content: string | readonly ResponsesContentPart[]): PromptPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: PromptPart[] = [];
  for (const part of content) {
    if (part.type === 'input_text') parts.push({ type: 'text', text: part.text });
    if (part.type === 'input_image') parts.push(imagePart(part));
  }
  return parts;
}

function assistantParts(content: string | readonly ResponsesContentPart[]): PromptPart[] {
  if (typeof content === 'string') return content.length === 0 ? [] : [{ type: 'text', text: content }];
  const text = content.map((part) => (part.type === 'output_text' ? part.text : part.type === 'refusal' ? part.refusal : '')).join('');
  return text.length === 0 ? [] : [{ type: 'text', text }];
}

/** Images are allowed in tool output here (unlike Chat) and cost their tokens in the tool turn. */
function toolOutputParts(callId: string, output: string | readonly ResponsesToolOutputPart[]): PromptPart[] {
  if (typeof output === 'string') return [{ type: 'tool-result', callId, name: undefined, content: output }];
  const text = output.map((part) => (part.type === 'input_text' ? part.text : '')).join('');
  const images = output.filter((part) => part.type === 'input_image').map(imagePart);
  return [{ type: 'tool-result', callId, name: undefined, content: text }, ...images];
}

function imagePart(part: Extract<ResponsesContentPart, { type: 'input_image' }>): PromptPart {
  const detail = part.detail === 'low' ? 'low' : part.detail === 'high' || part.detail === 'original' ? 'high' : 'auto';
  return { type: 'image', url: part.image_url ?? `file:${part.file_id ?? ''}`, detail };
}

function checkReasoning(item: Extract<ResponsesInputItem, { type: 'reasoning' }>, index: number, dependencies: InputDependencies): EmulatorError | undefined {
  const encrypted = item.encrypted_content;
  if (typeof encrypted === 'string') {
    if (dependencies.vault.open(encrypted) !== undefined) return undefined;
    return emulatorError('invalid-request', 400, `The encrypted content ${abbreviateToken(encrypted)} could not be verified. Reason: Encrypted content could not be decrypted or parsed.`, { code: 'invalid_encrypted_content' });
  }
  if (typeof item.id !== 'string') {
    return emulatorError('invalid-request', 400, `Missing required parameter: 'input[${index}].encrypted_content'.`, { param: `input[${index}].encrypted_content`, code: 'missing_required_parameter' });
  }
  return dependencies.store.item(item.id)?.kind === 'reasoning' ? undefined : itemNotFound(item.id);
}

/** OpenAI answers 404 for an item it did not keep, usually because its response had `store: false`. */
function itemNotFound(id: string): EmulatorError {
  return emulatorError('not-found', 404, `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`, { param: 'input' });
}
