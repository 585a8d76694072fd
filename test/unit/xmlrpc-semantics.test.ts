import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessInfo } from '../../src/contracts/process-info.js';
import { faultOf, RpcFault } from '../../src/control/xmlrpc/faults.js';
import { readWindow, tailWindow } from '../../src/control/xmlrpc/log-window.js';
import { describeForSupervisorctl, formatUptime, processStruct } from '../../src/control/xmlrpc/process-struct.js';
import { logtailSource } from '../../src/control/xmlrpc/logtail-route.js';
import { checkContentType } from '../../src/control/request-checks.js';
import { TaskmasterError } from '../../src/contracts/errors.js';
import type { SupervisorApi } from '../../src/contracts/supervisor-api.js';
import { createApiHandler } from '../../src/control/http-routes.js';
import { requestInProcess } from '../../src/control/request-in-process.js';
import { maxRpcBodyBytes } from '../../src/control/xmlrpc/rpc-route.js';

/** Every method answers an empty list, but pid: enough for the route's own behaviour. */
const fakeApi = new Proxy({}, { get: (_target, key) => (key === 'pid' ? async () => 1234 : async () => []) }) as SupervisorApi;
const rpc = (body: string) => requestInProcess(createApiHandler(fakeApi, () => {}), { method: 'POST', path: '/RPC2', body, headers: { 'content-type': 'text/xml' } });

const info = (fields: Partial<ProcessInfo>): ProcessInfo => ({ name: 'web', group: 'web', processName: 'web', state: 'RUNNING', pid: 42, exitCode: null, signal: null, uptime: 0, description: '', spawnError: null, startedAt: null, stoppedAt: null, port: null, health: null, nextRunAt: null, lastRun: null, ...fields }) as ProcessInfo;

describe('supervisord semantics of the XML-RPC front end', () => {
  it('reads by offset as readFile does: negative offsets from the end with length 0, else BAD_ARGUMENTS', () => {
    assert.deepEqual(readWindow(-1600, 0), { start: -1600, length: 1600 });
    assert.deepEqual(readWindow(10, 0), { start: 10, length: 0 });
    assert.deepEqual(readWindow(10, 5), { start: 10, length: 5 });
    assert.throws(() => readWindow(-10, 5), (error: RpcFault) => error.code === 3 && error.message === 'BAD_ARGUMENTS');
    assert.throws(() => readWindow(0, -1), (error: RpcFault) => error.code === 3);
  });

  it('tails as tailFile does: the last bytes, the size as next offset, overflow when more was written', () => {
    assert.deepEqual(tailWindow(0, 5, 'world', 11), ['world', 11, true]);
    assert.deepEqual(tailWindow(6, 5, 'world', 11), ['world', 11, false]);
    assert.deepEqual(tailWindow(8, 5, 'world', 11), ['world', 11, false]);
    assert.deepEqual(tailWindow(11, 5, 'world', 11), ['', 11, false]);
    assert.deepEqual(tailWindow(0, 5, '', 0), ['', 0, false]);
    assert.deepEqual(tailWindow(0, 0, '', 11), ['', 11, true]);
  });

  it('words process descriptions as supervisorctl status shows them', () => {
    assert.equal(formatUptime(5), '0:00:05');
    assert.equal(formatUptime(3723), '1:02:03');
    assert.equal(formatUptime(86_400 + 61), '1 day, 0:01:01');
    assert.equal(formatUptime(2 * 86_400), '2 days, 0:00:00');
    assert.equal(describeForSupervisorctl(info({ state: 'RUNNING', pid: 7 }), 100, 0, 165), 'pid 7, uptime 0:01:05');
    assert.equal(describeForSupervisorctl(info({ state: 'STOPPED' }), 0, 0, 5), 'Not started');
    assert.match(describeForSupervisorctl(info({ state: 'EXITED' }), 100, 200, 300), /^[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M$/);
    assert.equal(describeForSupervisorctl(info({ state: 'FATAL', spawnError: 'ENOENT' }), 0, 0, 0), 'ENOENT');
    assert.equal(describeForSupervisorctl(info({ state: 'BACKOFF' }), 0, 0, 0), 'Exited too quickly (process log may have details)');
  });

  it('builds the process-info struct with numeric states and a pid only while one runs', () => {
    const exited = processStruct(info({ state: 'EXITED', pid: 42, exitCode: 3, startedAt: 1_000_000, stoppedAt: 2_000_000 }), undefined, 3_000_000);
    assert.deepEqual([exited['state'], exited['statename'], exited['pid'], exited['exitstatus'], exited['start'], exited['stop'], exited['now']], [100, 'EXITED', 0, 3, 1000, 2000, 3000]);
    const fatal = processStruct(info({ state: 'FATAL' }), undefined);
    assert.equal(fatal['state'], 200);
  });

  it('turns API errors into supervisord faults', () => {
    assert.deepEqual([faultOf(new TaskmasterError('E_NO_SUCH_PROCESS', 'no such process: x'), 'x').code, faultOf(new TaskmasterError('E_NO_SUCH_PROCESS', 'm'), 'x').message], [10, 'BAD_NAME: x']);
    assert.equal(faultOf(new TaskmasterError('E_SHUTTING_DOWN', 'shutting down')).code, 6);
    assert.equal(faultOf(new TaskmasterError('E_STILL_RUNNING', 'm'), 'g').message, 'STILL_RUNNING: g');
    assert.equal(faultOf(new Error('boom')).message, 'FAILED: boom');
  });

  it('finds the log a /logtail path names, decoding a UTF-8 name sent unquoted or percent-encoded', () => {
    assert.deepEqual(logtailSource('/logtail/web'), { kind: 'process', name: 'web', stream: 'stdout' });
    assert.deepEqual(logtailSource('/logtail/group:web_01/stderr'), { kind: 'process', name: 'group:web_01', stream: 'stderr' });
    assert.deepEqual(logtailSource(Buffer.from('/logtail/test_öäü/stdout').toString('latin1')), { kind: 'process', name: 'test_öäü', stream: 'stdout' });
    assert.deepEqual(logtailSource('/logtail/test_%C3%B6/stdout'), { kind: 'process', name: 'test_ö', stream: 'stdout' });
    assert.deepEqual(logtailSource('/mainlogtail'), { kind: 'events' });
    assert.equal(logtailSource('/logtail/web/other'), null);
    assert.equal(logtailSource('/logtail/'), null);
  });

  it('admits text/xml only on /RPC2, so a JSON route still refuses what a browser sends cross-site', () => {
    assert.equal(checkContentType('POST', { 'content-type': 'text/xml' }, '/RPC2'), null);
    assert.equal(checkContentType('POST', { 'content-type': 'text/xml' }, '/v1/start')?.code, 'E_UNSUPPORTED_MEDIA_TYPE');
    assert.equal(checkContentType('POST', { 'content-type': 'text/plain' }, '/RPC2')?.code, 'E_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('POST /RPC2, called in-process', () => {
  it('answers a call with a text/xml methodResponse', async () => {
    const reply = await rpc('<methodCall><methodName>supervisor.getPID</methodName></methodCall>');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/xml');
    assert.match(reply.body, /<methodResponse><params><param><value><int>1234<\/int><\/value><\/param><\/params><\/methodResponse>/);
  });

  it('answers an unknown method and wrong parameters with faults', async () => {
    assert.match((await rpc('<methodCall><methodName>nope.nope</methodName></methodCall>')).body, /<int>1<\/int>.*UNKNOWN_METHOD/s);
    assert.match((await rpc('<methodCall><methodName>supervisor.getPID</methodName><params><param><value>x</value></param></params></methodCall>')).body, /<int>2<\/int>.*INCORRECT_PARAMETERS/s);
  });

  it('refuses XML that does not parse (400), a call without a name (400) and a body over the limit (413)', async () => {
    assert.equal((await rpc('<methodCall><methodName>x')).status, 400);
    assert.equal((await rpc('<!DOCTYPE x><methodCall/>')).status, 400);
    assert.equal((await rpc('<methodCall><methodName></methodName></methodCall>')).status, 400);
    assert.equal((await rpc(`<methodCall><methodName>x</methodName><params><param><value>${'a'.repeat(maxRpcBodyBytes)}</value></param></params></methodCall>`)).status, 413);
  });
});
