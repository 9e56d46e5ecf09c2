/** The admin API: teams, virtual keys and their budgets under /admin. See README.md. */
export { createAdminHandler, type AdminHandlerOptions } from './admin-handler.js';
export { MIN_ADMIN_KEY_LENGTH } from './admin-auth.js';
export type { BudgetScope, BudgetStatus, BudgetStatusProvider } from './budget-status.js';
