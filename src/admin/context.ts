import type { GatewayRequest, GatewayResponse } from '../gateway/http-types.js';
import type { KeyStore } from '../keys/index.js';
import type { BudgetStatusProvider } from './budget-status.js';

/** What every admin route handler gets. */
export interface AdminContext {
  store: KeyStore;
  budgetStatus: BudgetStatusProvider | undefined;
  /** Called after every change, e.g. to clear this replica's KeyAuthenticator cache at once. */
  changed: () => void;
  /** Recent alerts, most recent last; undefined when nothing sends alerts. */
  alerts: (() => readonly unknown[]) | undefined;
}

export type AdminRouteHandler = (context: AdminContext, request: GatewayRequest, id: string) => Promise<GatewayResponse>;
