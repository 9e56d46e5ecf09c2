import { describe } from 'node:test';
import { postgresSkipReason } from '../ledger/testing/postgres.js';
import { postgresKeyBackend } from './testing/backends.js';
import { keyStoreContract } from './testing/store-contract.js';

const skip = await postgresSkipReason();

describe('PostgreSQL key store', { skip }, () => {
  keyStoreContract(postgresKeyBackend());
});
