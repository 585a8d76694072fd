import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialsMatch } from '../../src/control/credentials.js';
import { allowedHostsFor, checkContentType, checkHost, checkOrigin } from '../../src/control/request-checks.js';

const basic = (text: string): string => `Basic ${Buffer.from(text).toString('base64')}`;

describe('the control API request checks', () => {
  const loopback = allowedHostsFor('127.0.0.1', 9001, ['tm.example']);

  it('accepts the loopback names with the port, and configured names', () => {
    for (const host of ['127.0.0.1:9001', 'localhost:9001', '[::1]:9001', 'LOCALHOST:9001', 'tm.example:9001', 'tm.example']) {
      assert.equal(checkHost(host, loopback), null, host);
    }
  });

  it('refuses a foreign Host, a missing one, or the right name on another port', () => {
    for (const host of ['evil.example:9001', 'evil.example', '127.0.0.1:9002', '127.0.0.1', '', undefined]) {
      assert.equal(checkHost(host, loopback)?.code, 'E_FORBIDDEN', String(host));
    }
  });

  it('lets any Host through on the UNIX socket', () => {
    assert.equal(checkHost('whatever', null), null);
    assert.equal(checkHost(undefined, null), null);
  });

  it('names the wildcard listener by the machine addresses it was given', () => {
    const wildcard = allowedHostsFor('0.0.0.0', 80, [], ['10.1.2.3', 'fe80::1']);
    assert.equal(checkHost('10.1.2.3:80', wildcard), null);
    assert.equal(checkHost('[fe80::1]:80', wildcard), null);
    assert.equal(checkHost('0.0.0.0:80', wildcard)?.code, 'E_FORBIDDEN');
  });

  it('refuses a state-changing request from a foreign origin or marked cross-site', () => {
    const host = '127.0.0.1:9001';
    assert.equal(checkOrigin('POST', { host, origin: 'http://evil.example' }, loopback)?.code, 'E_FORBIDDEN');
    assert.equal(checkOrigin('POST', { host, origin: 'null' }, loopback)?.code, 'E_FORBIDDEN');
    assert.equal(checkOrigin('POST', { host, origin: 'http://localhost:9001' }, loopback)?.code, 'E_FORBIDDEN', 'an allowed name that is not the Host');
    assert.equal(checkOrigin('POST', { host, 'sec-fetch-site': 'cross-site' }, loopback)?.code, 'E_FORBIDDEN');
    assert.equal(checkOrigin('POST', { host, 'sec-fetch-site': 'same-site' }, loopback)?.code, 'E_FORBIDDEN');
    assert.equal(checkOrigin('DELETE', { host, origin: 'http://evil.example' }, loopback)?.code, 'E_FORBIDDEN');
  });

  it('accepts its own origin, no origin (curl), and any GET', () => {
    const host = '127.0.0.1:9001';
    assert.equal(checkOrigin('POST', { host, origin: 'http://127.0.0.1:9001', 'sec-fetch-site': 'same-origin' }, loopback), null);
    assert.equal(checkOrigin('POST', { host }, loopback), null);
    assert.equal(checkOrigin('GET', { host, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' }, loopback), null);
    assert.equal(checkOrigin('POST', { host: 'localhost', origin: 'http://localhost' }, null), null);
    assert.equal(checkOrigin('POST', { host: 'localhost', origin: 'http://evil.example' }, null)?.code, 'E_FORBIDDEN');
  });

  it('takes only JSON bodies on state-changing requests', () => {
    assert.equal(checkContentType('POST', { 'content-type': 'application/json' }), null);
    assert.equal(checkContentType('POST', { 'content-type': 'Application/JSON; charset=utf-8' }), null);
    assert.equal(checkContentType('GET', {}), null);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      assert.equal(checkContentType('POST', type === undefined ? {} : { 'content-type': type })?.code, 'E_UNSUPPORTED_MEDIA_TYPE', String(type));
    }
  });

  it('matches Basic credentials exactly', () => {
    assert.equal(credentialsMatch(basic('admin:s3cret:x'), 'admin', 's3cret:x'), true);
    assert.equal(credentialsMatch(basic('admin:s3cret'), 'admin', 's3cret:x'), false);
    assert.equal(credentialsMatch(basic('root:s3cret:x'), 'admin', 's3cret:x'), false);
    assert.equal(credentialsMatch(basic('admins3cret:x'), 'admin', 's3cret:x'), false);
    assert.equal(credentialsMatch(undefined, 'admin', 's3cret:x'), false);
    assert.equal(credentialsMatch('Bearer abc', 'admin', 's3cret:x'), false);
  });
});
