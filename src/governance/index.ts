/** Governance on the request path: keys, access, rate limits, budgets, task budgets, alerts. See README.md. */
export { Governance, toLimitsBudget, type Admission, type CallShape, type GovernanceOptions, type Principal } from './governance.js';
export { AlertDispatcher, SpendJumpDetector, type AlertEvent, type AlertRecord } from './alerts.js';
export { isLoopback, presentedCredential } from './credentials.js';
export { formatTaskRemaining, parseTaskBudgetHeader } from './task-budget-header.js';
