/** Subject 1: the load generator talks to the upstream itself. The floor every proxy is compared to. */
import type { SubjectDefinition } from './types.js';

export const direct: SubjectDefinition = {
  id: 'direct',
  label: 'direct',
  description: 'No proxy: the load generator calls the upstream; CPU and memory are the upstream\'s own.',
  start: (context) =>
    Promise.resolve({
      origin: context.upstreamOrigin,
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer sk-bench' },
      pid: context.upstreamPid,
      stop: () => Promise.resolve(),
    }),
};
