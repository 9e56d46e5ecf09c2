import type { GatewayConfig, TargetRef } from '../config/types.js';
import { resolveDirect } from '../routing/plan.js';

/**
 * A model name as clients send it into one place it can go (a route's first default target), for
 * calls that are not routed (token counting).
 */
export function resolveModel(config: GatewayConfig, name: string): TargetRef {
  return config.routes.get(name)?.choice.targets[0] ?? resolveDirect(config, name);
}
