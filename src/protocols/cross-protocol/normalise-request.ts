import type {
  AssistantContentPart,
  CanonicalMessage,
  CanonicalRequest,
  ImagePart,
  MediaSource,
  ProtocolName,
  ReasoningPart,
  ReasoningRequest,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/types.js';
import { CAPABILITIES } from './capabilities.js';
import { applyTransforms, type Transform, type TransformLabel } from './normalise.js';

/**
 * What each protocol's request round trip (canonical → wire → canonical) does to a request it can
 * carry, transform by transform, as the codec READMEs document it. The generators emit only features
 * both protocols of a pair carry, so each transform here is the equivalent form of a carried feature,
 * or the removal of provider-bound state (PROTOCOLS.md trap 10) and of hints another hop added.
 */
type RequestTransform = Transform<CanonicalRequest>;

export function normaliseRequest(protocol: ProtocolName, request: CanonicalRequest): CanonicalRequest {
  return applyTransforms(request, REQUEST_TRANSFORMS[protocol]);
}

// --- helpers -------------------------------------------------------------------------------------

function assistants(request: CanonicalRequest): Array<Extract<CanonicalMessage, { role: 'assistant' }>> {
  return request.messages.filter((message): message is Extract<CanonicalMessage, { role: 'assistant' }> => message.role === 'assistant');
}

function toolResults(request: CanonicalRequest): ToolResultPart[] {
  return request.messages.flatMap((message) => (message.role === 'tool' ? message.content : []));
}

function userParts(request: CanonicalRequest): UserContentPart[] {
  return request.messages.flatMap((message) => (message.role === 'user' ? message.content : []));
}

/** Images wherever they stand: user messages and tool results. */
function images(request: CanonicalRequest): ImagePart[] {
  const inResults = toolResults(request).flatMap((result) => result.content.filter((part): part is ImagePart => part.type === 'image'));
  return [...userParts(request).filter((part): part is ImagePart => part.type === 'image'), ...inResults];
}

function keepReasoning(request: CanonicalRequest, keep: (part: ReasoningPart) => boolean): void {
  for (const message of assistants(request)) message.content = message.content.filter((part) => part.type !== 'reasoning' || keep(part));
}

function stripThoughtSignatures(request: CanonicalRequest): void {
  for (const message of request.messages) for (const part of message.content) if ('thoughtSignature' in part) delete part.thoughtSignature;
}

function stripCacheControl(request: CanonicalRequest): void {
  for (const message of request.messages) {
    for (const part of message.content) {
      if ('cacheControl' in part) delete part.cacheControl;
      if (part.type === 'tool-result') for (const inner of part.content) delete inner.cacheControl;
    }
  }
  for (const tool of request.tools ?? []) delete tool.cacheControl;
}

function refusalsAsText(request: CanonicalRequest): void {
  for (const message of assistants(request)) {
    message.content = message.content.map((part): AssistantContentPart => (part.type === 'refusal' ? { type: 'text', text: part.text } : part));
  }
}

/** Every system message, wherever it stood, as one leading system message. */
function hoistSystem(request: CanonicalRequest): void {
  const system: TextPart[] = request.messages.flatMap((message) => (message.role === 'system' ? message.content.filter((part) => part.text !== '') : []));
  const rest = request.messages.filter((message) => message.role !== 'system');
  request.messages = system.length === 0 ? rest : [{ role: 'system', content: system }, ...rest];
}

function dropEmptyMessages(request: CanonicalRequest): void {
  request.messages = request.messages.filter((message) => message.content.length > 0);
}

function mergeConsecutive(request: CanonicalRequest, roles: ReadonlyArray<CanonicalMessage['role']>): void {
  const merged: CanonicalMessage[] = [];
  for (const message of request.messages) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.role === message.role && roles.includes(message.role)) {
      (last.content as unknown[]).push(...message.content);
    } else merged.push(message);
  }
  request.messages = merged;
}

type UserSide = { kind: 'user'; part: UserContentPart } | { kind: 'tool'; part: ToolResultPart };

/**
 * Anthropic and Gemini have only user and model turns: consecutive user-side messages (user and tool)
 * become one turn, which decodes back as runs of tool results and user content. `resultsFirst`:
 * Anthropic puts every tool_result of a turn before its other blocks (trap 3).
 */
function regroupUserTurns(request: CanonicalRequest, resultsFirst: boolean): void {
  const messages: CanonicalMessage[] = [];
  let run: UserSide[] = [];
  const flush = (): void => {
    const ordered = resultsFirst ? [...run.filter((item) => item.kind === 'tool'), ...run.filter((item) => item.kind === 'user')] : run;
    for (const item of ordered) {
      const last = messages[messages.length - 1];
      if (item.kind === 'tool') {
        if (last?.role === 'tool') last.content.push(item.part);
        else messages.push({ role: 'tool', content: [item.part] });
      } else if (last?.role === 'user') last.content.push(item.part);
      else messages.push({ role: 'user', content: [item.part] });
    }
    run = [];
  };
  for (const message of request.messages) {
    if (message.role === 'user') run.push(...message.content.map((part): UserSide => ({ kind: 'user', part })));
    else if (message.role === 'tool') run.push(...message.content.map((part): UserSide => ({ kind: 'tool', part })));
    else {
      flush();
      messages.push(message);
    }
  }
  flush();
  request.messages = messages;
}

function dropUrlMediaType(source: MediaSource): void {
  if (source.kind === 'url' || source.kind === 'file') delete source.mediaType;
}

const GEMINI_EXTENSIONS: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', pdf: 'application/pdf' };

/** Gemini needs a MIME type beside every URI: the given one, else the one the extension implies. */
function inferGeminiMediaType(source: MediaSource): void {
  if (source.kind === 'base64') return;
  const uri = source.kind === 'url' ? source.url : source.fileId;
  const extension = /\.([a-z0-9]+)$/i.exec(uri.split(/[?#]/)[0] ?? '')?.[1]?.toLowerCase();
  const inferred = extension === undefined ? undefined : GEMINI_EXTENSIONS[extension];
  if (source.mediaType === undefined && inferred !== undefined) source.mediaType = inferred;
}

const FILENAME_EXTENSIONS: Record<string, string> = { 'application/pdf': 'pdf', 'text/plain': 'txt' };
const FILENAME_TYPES: Record<string, string> = { pdf: 'application/pdf', txt: 'text/plain', png: 'image/png' };

/** OpenAI requires a filename beside inline file data: a document without a title gets `document.<ext>`. */
function defaultTitles(request: CanonicalRequest): void {
  for (const part of userParts(request)) {
    if (part.type === 'document' && part.source.kind === 'base64' && part.title === undefined) {
      part.title = `document.${FILENAME_EXTENSIONS[part.source.mediaType] ?? part.source.mediaType.split('/').pop() ?? 'bin'}`;
    }
  }
}

function setReasoning(request: CanonicalRequest, reasoning: ReasoningRequest | undefined): void {
  if (reasoning === undefined || Object.keys(reasoning).length === 0) delete request.reasoning;
  else request.reasoning = reasoning;
}

function withThoughts(reasoning: ReasoningRequest, includeThoughts: boolean | undefined): ReasoningRequest {
  return includeThoughts === undefined ? reasoning : { ...reasoning, includeThoughts };
}

const t = (features: TransformLabel | readonly TransformLabel[], why: string, apply: RequestTransform['apply']): RequestTransform => ({
  features: typeof features === 'string' ? [features] : features,
  why,
  apply,
});

function modelOf(protocol: ProtocolName): RequestTransform {
  return t('model', 'each hop names its own upstream model', (request) => {
    request.model = CAPABILITIES[protocol].model;
  });
}

const dropStreamUsageFlag = t('model', 'only Chat asks for stream usage; every other protocol always sends it', (request) => {
  delete request.streamIncludeUsage;
});

// --- OpenAI Chat ---------------------------------------------------------------------------------

/** Budget → effort for Chat (openai-chat/request-encode.ts): < 2,048 low, < 8,192 medium, else high. */
function chatEffort(budget: number): ReasoningRequest['effort'] {
  if (budget <= 0) return undefined;
  return budget < 2048 ? 'low' : budget < 8192 ? 'medium' : 'high';
}

const OPENAI_CHAT: RequestTransform[] = [
  modelOf('openai-chat'),
  t('provider-state', 'Chat takes no reasoning input, and signatures are provider-bound', (request) => {
    keepReasoning(request, () => false);
    stripThoughtSignatures(request);
  }),
  t('cacheControl', 'OpenAI caches prompts itself: cache hints are dropped', stripCacheControl),
  t(['assistant.refusal', 'assistant.anyOrder'], 'an assistant message is content (texts), refusal (joined), tool_calls', (request) => {
    for (const message of assistants(request)) {
      const refusal = message.content.flatMap((part) => (part.type === 'refusal' ? [part.text] : [])).join('');
      message.content = [
        ...message.content.filter((part) => part.type === 'text' && part.text !== ''),
        ...(refusal === '' ? [] : [{ type: 'refusal' as const, text: refusal }]),
        ...message.content.filter((part) => part.type === 'tool-call'),
      ];
    }
  }),
  t('turns.consecutiveTool', 'consecutive tool messages merge into one (one result each)', (request) => mergeConsecutive(request, ['tool'])),
  t('toolResult.isError', 'isError has no Chat field (the result text carries the error)', (request) => {
    for (const result of toolResults(request)) delete result.isError;
  }),
  t('image.url', 'an image URL carries no media type in Chat', (request) => {
    for (const image of images(request)) dropUrlMediaType(image.source);
  }),
  t('document.title', 'inline file data needs a filename: document.<ext> when untitled', defaultTitles),
  t('document.file', 'a file id document takes its media type from its filename', (request) => {
    for (const part of userParts(request)) {
      if (part.type !== 'document' || part.source.kind !== 'file') continue;
      const extension = part.title?.includes('.') === true ? part.title.split('.').pop()?.toLowerCase() : undefined;
      const mediaType = extension === undefined ? undefined : FILENAME_TYPES[extension];
      if (mediaType === undefined) delete part.source.mediaType;
      else part.source.mediaType = mediaType;
    }
  }),
  t('tools', 'tool_choice and parallel_tool_calls are sent only beside tools', (request) => {
    if (request.tools !== undefined && request.tools.length > 0) return;
    delete request.tools;
    delete request.toolChoice;
    delete request.parallelToolCalls;
  }),
  t('reasoning.budget', 'a budget alone becomes the nearest reasoning_effort; includeThoughts has no Chat field', (request) => {
    const reasoning = request.reasoning;
    if (reasoning === undefined) return;
    const effort = reasoning.effort ?? (reasoning.budgetTokens === undefined ? undefined : chatEffort(reasoning.budgetTokens));
    setReasoning(request, effort === undefined ? undefined : { effort });
  }),
  t('metadata', 'metadata is not forwarded (OpenAI takes it only with store:true)', (request) => {
    delete request.metadata;
  }),
  t('model', 'streaming always asks for the usage chunk', (request) => {
    if (request.stream) request.streamIncludeUsage = true;
    else delete request.streamIncludeUsage;
  }),
];

// --- OpenAI Responses ----------------------------------------------------------------------------

/** Budget → effort for Responses (openai-responses/request-encode.ts). */
function responsesEffort(budget: number): ReasoningRequest['effort'] {
  if (budget < 0) return undefined;
  if (budget === 0) return 'minimal';
  return budget <= 2048 ? 'low' : budget <= 16384 ? 'medium' : 'high';
}

const OPENAI_RESPONSES: RequestTransform[] = [
  modelOf('openai-responses'),
  t('provider-state', 'only OpenAI reasoning with encrypted_content can be replayed; signatures are Gemini-bound', (request) => {
    keepReasoning(request, (part) => part.origin === 'openai' && part.encryptedContent !== undefined);
    stripThoughtSignatures(request);
  }),
  t('cacheControl', 'OpenAI caches prompts itself: cache hints are dropped', stripCacheControl),
  t(['turns.consecutiveAssistant', 'turns.consecutiveTool'], 'consecutive assistant-side items decode to one assistant message; outputs to one tool message', (request) => {
    dropEmptyMessages(request);
    mergeConsecutive(request, ['assistant', 'tool']);
  }),
  t('toolResult.isError', 'isError has no Responses field', (request) => {
    for (const result of toolResults(request)) delete result.isError;
  }),
  t('image.detail', 'input_image always carries detail: "auto" when unset', (request) => {
    for (const image of images(request)) image.detail ??= 'auto';
  }),
  t(['image.url', 'image.file', 'document.url', 'document.file'], 'image_url / file_url / file_id carry no media type', (request) => {
    for (const image of images(request)) dropUrlMediaType(image.source);
    for (const part of userParts(request)) if (part.type === 'document') dropUrlMediaType(part.source);
  }),
  t('document.title', 'inline file data needs a filename: document.<ext> when untitled', defaultTitles),
  t('tools.strict', 'an absent strict is sent as false (Responses would otherwise force strict mode)', (request) => {
    for (const tool of request.tools ?? []) tool.strict ??= false;
    if (request.tools?.length === 0) delete request.tools;
  }),
  t('seed', 'no Responses parameter; penalties of 0 and n = 1 are the defaults', (request) => {
    delete request.seed;
    if (request.presencePenalty === 0) delete request.presencePenalty;
    if (request.frequencyPenalty === 0) delete request.frequencyPenalty;
    if (request.n === 1) delete request.n;
    if (request.metadata !== undefined && Object.keys(request.metadata).length === 0) delete request.metadata;
  }),
  t('maxOutputTokens', 'max_output_tokens below 16 (the API minimum) is raised to 16', (request) => {
    if (request.maxOutputTokens !== undefined) request.maxOutputTokens = Math.max(16, request.maxOutputTokens);
  }),
  t(['reasoning.budget', 'reasoning.includeThoughts'], 'a budget becomes an effort; summary "auto" is includeThoughts, false is unset', (request) => {
    const reasoning = request.reasoning;
    if (reasoning === undefined) return;
    const effort = reasoning.effort ?? (reasoning.budgetTokens === undefined ? undefined : responsesEffort(reasoning.budgetTokens));
    setReasoning(request, { ...(effort !== undefined && { effort }), ...(reasoning.includeThoughts === true && { includeThoughts: true }) });
  }),
  dropStreamUsageFlag,
];

// --- Anthropic Messages --------------------------------------------------------------------------

const ANTHROPIC_MAX_TOKENS = 64_000;

/** Anthropic's rule (messages-encode.ts): the last assistant turn that calls tools must start with thinking. */
function finalToolTurnLacksThinking(request: CanonicalRequest): boolean {
  const last = assistants(request).at(-1);
  if (last === undefined || !last.content.some((part) => part.type === 'tool-call')) return false;
  return last.content[0]?.type !== 'reasoning';
}

/** claude-sonnet-4-6: budget or adaptive thinking (anthropic-messages/README.md, "Reasoning"). */
function anthropicReasoning(request: CanonicalRequest): ReasoningRequest | undefined {
  const reasoning = request.reasoning;
  if (reasoning === undefined) return undefined;
  if (reasoning.effort === 'none' || reasoning.budgetTokens === 0) return { effort: 'none' };
  const forced = request.toolChoice?.type === 'required' || request.toolChoice?.type === 'tool';
  if (forced || finalToolTurnLacksThinking(request)) return undefined;
  if (reasoning.budgetTokens !== undefined) return withThoughts({ budgetTokens: Math.max(1024, reasoning.budgetTokens) }, reasoning.includeThoughts);
  const effort = reasoning.effort === 'minimal' ? 'low' : (reasoning.effort ?? 'high');
  return withThoughts({ effort }, reasoning.includeThoughts);
}

const ANTHROPIC_MESSAGES: RequestTransform[] = [
  modelOf('anthropic-messages'),
  t('provider-state', 'only Anthropic thinking with its signature (or redacted data) is replayed', (request) => {
    keepReasoning(request, (part) => part.origin === 'anthropic' && ((part.signature ?? '') !== '' || part.redactedData !== undefined));
    stripThoughtSignatures(request);
  }),
  t('assistant.refusal', 'Anthropic has no refusal block: a refusal replays as text', refusalsAsText),
  t('system.anywhere', 'system messages are hoisted into the top-level system, in order', hoistSystem),
  t(['turns.consecutiveUser', 'turns.consecutiveAssistant', 'turns.consecutiveTool'], 'roles alternate: consecutive turns merge, tool results come first in a user turn', (request) => {
    dropEmptyMessages(request);
    mergeConsecutive(request, ['assistant']);
    regroupUserTurns(request, true);
  }),
  t(['image.url', 'document.url', 'image.detail'], 'a url source takes no media type; detail has no Anthropic field', (request) => {
    for (const image of images(request)) {
      dropUrlMediaType(image.source);
      delete image.detail;
    }
    for (const part of userParts(request)) if (part.type === 'document') dropUrlMediaType(part.source);
  }),
  t(['toolChoice', 'parallelToolCalls'], 'tool_choice only beside tools; parallelToolCalls rides on it (an auto choice is made for it; none takes none)', (request) => {
    if (request.tools === undefined || request.tools.length === 0) {
      delete request.tools;
      delete request.toolChoice;
      delete request.parallelToolCalls;
      return;
    }
    if (request.toolChoice === undefined && request.parallelToolCalls !== undefined) request.toolChoice = { type: 'auto' };
    if (request.toolChoice?.type === 'none') delete request.parallelToolCalls;
  }),
  t('maxOutputTokens', 'max_tokens is required: the model limit when absent, capped to it', (request) => {
    request.maxOutputTokens = Math.min(request.maxOutputTokens ?? ANTHROPIC_MAX_TOKENS, ANTHROPIC_MAX_TOKENS);
  }),
  t(['reasoning.effort', 'reasoning.budget', 'reasoning.includeThoughts'], 'budget → enabled budget (floor 1,024); effort → adaptive (minimal reads low); off when forced tool use or an unsigned final tool turn', (request) => {
    setReasoning(request, anthropicReasoning(request));
  }),
  t(['temperature', 'topP', 'topK'], 'sampling: temperature clamped to [0, 1]; with thinking on only temperature 1, no top_k, top_p ≥ 0.95; temperature and top_p exclusive', (request) => {
    const thinkingOn = request.reasoning !== undefined && request.reasoning.effort !== 'none';
    if (request.temperature !== undefined) {
      const temperature = Math.min(1, Math.max(0, request.temperature));
      if (!thinkingOn || temperature === 1) request.temperature = temperature;
      else delete request.temperature;
    }
    if (thinkingOn) delete request.topK;
    if (request.topP !== undefined && ((thinkingOn && request.topP < 0.95) || request.temperature !== undefined)) delete request.topP;
  }),
  t(['responseFormat.jsonSchema', 'responseFormat.text'], 'structured outputs take only the schema: decoded as name "output", strict; text is the default', (request) => {
    const format = request.responseFormat;
    if (format?.type === 'text') delete request.responseFormat;
    if (format?.type === 'json-schema') request.responseFormat = { type: 'json-schema', name: 'output', schema: format.schema, strict: true };
  }),
  t('seed', 'seed, penalties and metadata have no Anthropic field (sampling and bookkeeping only); n = 1 is the default', (request) => {
    delete request.seed;
    delete request.presencePenalty;
    delete request.frequencyPenalty;
    delete request.metadata;
    if (request.n === 1) delete request.n;
  }),
  dropStreamUsageFlag,
];

// --- Gemini --------------------------------------------------------------------------------------

/** Gemini 3 levels: none reads MINIMAL (no off switch), xhigh reads HIGH; an explicit budget wins. */
function geminiReasoning(reasoning: ReasoningRequest): ReasoningRequest {
  if (reasoning.budgetTokens !== undefined) {
    return withThoughts(reasoning.budgetTokens === 0 ? { effort: 'none' } : { budgetTokens: reasoning.budgetTokens }, reasoning.includeThoughts);
  }
  const effort = reasoning.effort === 'none' ? 'minimal' : reasoning.effort === 'xhigh' ? 'high' : reasoning.effort;
  return withThoughts(effort === undefined ? {} : { effort }, reasoning.includeThoughts);
}

const GEMINI: RequestTransform[] = [
  modelOf('gemini'),
  t('provider-state', 'only Gemini thoughts (text or signature) are replayed; signatures stay on their parts', (request) => {
    keepReasoning(request, (part) => part.origin === 'gemini' && (part.text !== '' || part.signature !== undefined));
    for (const message of assistants(request)) {
      for (const part of message.content) {
        if (part.type !== 'reasoning') continue;
        delete part.redactedData;
        delete part.encryptedContent;
        delete part.itemId;
      }
    }
  }),
  t('cacheControl', 'Gemini has no cache hints', stripCacheControl),
  t('assistant.refusal', 'Gemini has no refusal part: a refusal replays as text', refusalsAsText),
  t('system.anywhere', 'system messages are hoisted into systemInstruction, in order', hoistSystem),
  t(['turns.consecutiveUser', 'turns.consecutiveAssistant', 'turns.consecutiveTool'], 'consecutive same-role contents merge; a user turn splits back into runs of responses and parts, in order', (request) => {
    dropEmptyMessages(request);
    mergeConsecutive(request, ['assistant']);
    regroupUserTurns(request, false);
  }),
  t(['image.url', 'image.file', 'document.url', 'document.file', 'image.detail', 'document.title'], 'fileData needs a MIME type: the given one or the extension\'s; detail and titles have no field', (request) => {
    for (const image of images(request)) {
      inferGeminiMediaType(image.source);
      delete image.detail;
    }
    for (const part of userParts(request)) {
      if (part.type !== 'document') continue;
      inferGeminiMediaType(part.source);
      delete part.title;
    }
  }),
  t(['toolResult.multiText', 'toolResult.image', 'toolResult.isError'], 'one functionResponse per result: texts joined by newlines, images in parts; isError → {error}', (request) => {
    for (const result of toolResults(request)) {
      const text = result.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
      const media = result.content.filter((part) => part.type === 'image');
      result.content = [...(text === '' ? [] : [{ type: 'text' as const, text }]), ...media];
      if (result.isError !== true) delete result.isError;
    }
  }),
  t(['tools.strict', 'parallelToolCalls'], 'Gemini has no per-tool strictness; parallelToolCalls has no switch', (request) => {
    for (const tool of request.tools ?? []) delete tool.strict;
    delete request.parallelToolCalls;
    if (request.tools !== undefined && request.tools.length > 0) return;
    delete request.tools;
    if (request.toolChoice?.type === 'auto' || request.toolChoice?.type === 'none') delete request.toolChoice;
  }),
  t('responseFormat.jsonSchema', 'responseJsonSchema has no name, description or strict: decoded as name "response"', (request) => {
    const format = request.responseFormat;
    if (format?.type === 'json-schema') request.responseFormat = { type: 'json-schema', name: 'response', schema: format.schema };
  }),
  t(['reasoning.effort', 'reasoning.budget'], 'thinkingLevel for efforts, thinkingBudget for budgets (0 reads as effort none)', (request) => {
    setReasoning(request, request.reasoning === undefined ? undefined : geminiReasoning(request.reasoning));
  }),
  t('user', 'user and metadata have no Gemini field', (request) => {
    delete request.user;
    delete request.metadata;
  }),
  dropStreamUsageFlag,
];

export const REQUEST_TRANSFORMS: Readonly<Record<ProtocolName, readonly RequestTransform[]>> = {
  'openai-chat': OPENAI_CHAT,
  'openai-responses': OPENAI_RESPONSES,
  'anthropic-messages': ANTHROPIC_MESSAGES,
  gemini: GEMINI,
};
