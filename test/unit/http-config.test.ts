import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/parse-config.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });

const problems = (text: string): string[] => problemsOf(() => parse(text));

describe('the http: section', () => {
  it('refuses a TCP listener with neither credentials nor unsafe_no_auth, naming file:line:col', () => {
    assert.deepEqual(problems('programs: {}\nhttp:\n  listen: 9001\n'), [
      'taskmaster.yaml:3:3: http: a TCP listener needs username and password: without them every local user and every web page can control taskmaster (set unsafe_no_auth: true to accept that)',
    ]);
  });

  it('takes credentials, or the explicit unsafe opt-out on loopback', () => {
    assert.deepEqual(parse('http: { listen: 9001, username: a, password: b }\nprograms: {}\n').http, { host: '127.0.0.1', port: 9001, username: 'a', password: 'b', unsafeNoAuth: false, allowedHosts: [] });
    assert.equal(parse('http: { listen: 9001, unsafe_no_auth: true }\nprograms: {}\n').http?.unsafeNoAuth, true);
  });

  it('refuses the opt-out beyond loopback, beside credentials, or when it is not a boolean', () => {
    assert.match(problems('http: { listen: "0.0.0.0:9001", unsafe_no_auth: true }\nprograms: {}\n')[0]!, /http.listen: listening on 0.0.0.0, beyond this machine, needs a username and password/);
    assert.match(problems('http: { listen: 9001, username: a, password: b, unsafe_no_auth: true }\nprograms: {}\n')[0]!, /:1:65: http.unsafe_no_auth: contradicts username and password/);
    assert.ok(problems('http: { listen: 9001, unsafe_no_auth: maybe }\nprograms: {}\n').some((line) => /:1:39: http.unsafe_no_auth: expected true or false, got maybe/.test(line)));
  });

  it('reads allowed_hosts as a list or one name, and refuses what is not a host name', () => {
    assert.deepEqual(parse('http: { listen: 9001, username: a, password: b, allowed_hosts: [TM.example, "tm.local:8080"] }\nprograms: {}\n').http?.allowedHosts, ['tm.example', 'tm.local:8080']);
    assert.deepEqual(parse('http: { listen: 9001, username: a, password: b, allowed_hosts: tm.example }\nprograms: {}\n').http?.allowedHosts, ['tm.example']);
    assert.match(problems('http: { listen: 9001, username: a, password: b, allowed_hosts: ["http://x/"] }\nprograms: {}\n')[0]!, /http.allowed_hosts: expected a host name/);
  });
});
