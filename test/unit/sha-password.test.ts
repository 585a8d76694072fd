import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialsMatch } from '../../src/control/credentials.js';

const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

describe('supervisord {SHA} passwords', () => {
  // sha1('admin') = d033e22ae348aeb5660fc2140aec35850c4da997
  it('accepts the password whose SHA-1 the config holds, in either case of hex', () => {
    assert.equal(credentialsMatch(basic('user:admin'), 'user', '{SHA}d033e22ae348aeb5660fc2140aec35850c4da997'), true);
    assert.equal(credentialsMatch(basic('user:admin'), 'user', '{SHA}D033E22AE348AEB5660FC2140AEC35850C4DA997'), true);
  });

  it('refuses another password, and the hash itself given as the password', () => {
    assert.equal(credentialsMatch(basic('user:admins'), 'user', '{SHA}d033e22ae348aeb5660fc2140aec35850c4da997'), false);
    assert.equal(credentialsMatch(basic('user:{SHA}d033e22ae348aeb5660fc2140aec35850c4da997'), 'user', '{SHA}d033e22ae348aeb5660fc2140aec35850c4da997'), false);
  });
});
