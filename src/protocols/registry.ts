import type { ProtocolName } from '../canonical/types.js';
import { anthropicMessagesCodec } from './anthropic-messages/index.js';
import type { ProtocolCodec } from './codec.js';
import { geminiCodec } from './gemini/index.js';
import { openaiChatCodec } from './openai-chat/index.js';
import { openaiResponsesCodec } from './openai-responses/index.js';

/** The one place that knows every protocol codec. */
export const CODECS: Readonly<Record<ProtocolName, ProtocolCodec>> = {
  'openai-chat': openaiChatCodec,
  'openai-responses': openaiResponsesCodec,
  'anthropic-messages': anthropicMessagesCodec,
  gemini: geminiCodec,
};
