import { describe } from 'node:test';
import { sqliteKeyBackend } from './testing/backends.js';
import { keyStoreContract } from './testing/store-contract.js';

describe('SQLite key store', () => {
  keyStoreContract(sqliteKeyBackend());
});
