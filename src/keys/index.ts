/**
 * Virtual keys and teams: who may call the gateway, for which models and routes, at what rate and
 * within which budgets. Stored in the ledger's database; see README.md.
 */
export type { AuthenticatedKey, AuthFailureReason, AuthResult, CreatedKey, DeleteTeamResult, KeyListFilter, KeyStore, Team, VirtualKey } from './types.js';
export type { Budget, BudgetPeriod, KeyCreate, KeyPatch, LimitAction, TaskBudget, TeamCreate, TeamPatch } from './policy.js';
export { BUDGET_PERIODS, DEFAULT_THRESHOLDS, usdToMicros } from './policy.js';
export { KeyValidationError, type ValidationIssue } from './validation.js';
export { KeyConflictError } from './errors.js';
export { generateKey, hashKey, KEY_PREFIX, looksLikeVirtualKey, parseKey, verifyKey, type GeneratedKey } from './key-format.js';
export { isAllowed, keyAllowsModel, keyAllowsRoute, matchesPattern } from './access.js';
export { authFailureError } from './auth-error.js';
export { openKeyStore, type KeyStoreOptions } from './open-key-store.js';
export { KeyAuthenticator, type KeyAuthenticatorOptions, type KeyAuthenticatorStats } from './authenticator.js';
