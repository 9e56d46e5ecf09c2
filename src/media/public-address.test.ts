import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPrivateAddress, privateAddressReason } from './public-address.js';

describe('private address guard', () => {
  it('refuses loopback, private, link-local and mapped addresses, and allows public ones', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1']) {
      assert.equal(isPrivateAddress(address), true, address);
    }
    for (const address of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPrivateAddress(address), false, address);
  });

  it('names the host of a refused URL and resolves names', async () => {
    assert.match((await privateAddressReason('http://169.254.169.254/latest/meta-data'))!, /169\.254\.169\.254 is a private or local address/);
    assert.match((await privateAddressReason('http://localhost:8080/x.png'))!, /localhost is a private or local address/);
    assert.match((await privateAddressReason('http://[::1]/x.png'))!, /::1 is a private/);
    assert.equal(await privateAddressReason('not a url'), 'it is not a valid URL');
  });
});
