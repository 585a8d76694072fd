import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActionResult, SupervisorApi, ProcessInfo } from '../../src/contracts/supervisor-api.js';
import { createApiHandler, maxBodyBytes } from '../../src/control/http-routes.js';
import { requestInProcess, type InProcessRequest } from '../../src/control/request-in-process.js';
import { TaskmasterError } from '../../src/contracts/errors.js';

const web = { name: 'web', group: 'web', state: 'RUNNING', pid: 42, description: 'pid 42, uptime 0:00:01' } as unknown as ProcessInfo;
const started = (name: string): ActionResult => ({ name, ok: true, state: 'RUNNING', message: 'started' });

/** A fake API that records each call and answers with canned data; `fail` makes one method throw. */
function fakeApi(fail: Partial<Record<keyof SupervisorApi, Error>> = {}): { api: SupervisorApi; calls: unknown[][]; watchers: AbortSignal[] } {
  const calls: unknown[][] = [];
  const watchers: AbortSignal[] = [];
  const answer = <T>(method: keyof SupervisorApi, value: T) => async (...args: unknown[]): Promise<T> => {
    calls.push([method, ...args]);
    const error = fail[method];
    if (error) throw error;
    return value;
  };
  const api: SupervisorApi = {
    status: answer('status', [web]),
    start: async (names) => {
      calls.push(['start', names]);
      if (fail.start) throw fail.start;
      return names.map(started);
    },
    stop: answer('stop', []),
    restart: answer('restart', []),
    signal: answer('signal', [{ name: 'web', ok: true, state: 'RUNNING', message: 'sent SIGHUP' }]),
    reload: answer('reload', { ok: true, applied: true, diff: null, errors: [] }),
    reread: answer('reread', { ok: true, applied: false, diff: null, errors: [] }),
    avail: answer('avail', []),
    addProgram: answer('addProgram', { name: 'new', change: 'added', file: '/c.yaml', reload: { ok: true, applied: true, diff: null, errors: [] }, results: [] }),
    removeProgram: answer('removeProgram', { name: 'new', change: 'removed', file: '/c.yaml', reload: { ok: true, applied: true, diff: null, errors: [] }, results: [] }),
    shutdown: answer('shutdown', undefined),
    version: answer('version', '9.9.9'),
    identification: answer('identification', 'supervisor'),
    pid: answer('pid', 1234),
    history: answer('history', []),
    tail: answer('tail', 'last line\n'),
    follow: answer('follow', undefined),
    writeStdin: answer('writeStdin', undefined),
    attachTerminal: answer('attachTerminal', { input: () => {}, resize: () => {}, detach: () => {} }),
    clear: answer('clear', []),
    clearEventLog: answer('clearEventLog', undefined),
    readLogRange: answer('readLogRange', { text: '', start: 0, sizeBytes: 0 }),
    stageConfig: answer('stageConfig', { ok: true, applied: false, diff: null, errors: [] }),
    activateProgram: answer('activateProgram', undefined),
    deactivateProgram: answer('deactivateProgram', undefined),
    sendRemoteCommEvent: answer('sendRemoteCommEvent', undefined),
    samples: answer('samples', []),
    metrics: answer('metrics', { version: '9.9.9', pid: 1234, supervisor: { cpuSeconds: 0, rssBytes: 0, openFds: 0, startTimeSeconds: 0 }, samplingPasses: 0, samplingWatchers: 0, processes: [], scheduledPrograms: [] }),
    watchEvents: async (onEvent, signal) => {
      watchers.push(signal);
      onEvent({ type: 'snapshot', processes: [web] });
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
  };
  return { api, calls, watchers };
}

function call(api: SupervisorApi, request: InProcessRequest, onShutdown: () => void = () => {}) {
  return requestInProcess(createApiHandler(api, onShutdown), request);
}

const json = (body: unknown): Pick<InProcessRequest, 'body' | 'headers'> => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('the HTTP routes, called in-process', () => {
  it('answers GET /v1/status with the processes, passing every name query', async () => {
    const { api, calls } = fakeApi();
    const reply = await call(api, { method: 'GET', path: '/v1/status?name=web&name=db' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(reply.body), { processes: [web] });
    assert.deepEqual(calls, [['status', ['web', 'db']]]);
  });

  it('answers GET /v1/status?fields= with only those keys of each process, and refuses a key the process object lacks', async () => {
    const { api, calls } = fakeApi();
    const reply = await call(api, { method: 'GET', path: '/v1/status?fields=name,state&fields=url' });
    assert.equal(reply.status, 200);
    // web has no url: an absent key stays absent.
    assert.deepEqual(JSON.parse(reply.body), { processes: [{ name: 'web', state: 'RUNNING' }] });
    const refused = await call(api, { method: 'GET', path: '/v1/status?fields=name,colour' });
    assert.equal(refused.status, 400);
    assert.match((JSON.parse(refused.body) as { message: string }).message, /^unknown status field: colour \(the fields are name, group, /);
    assert.deepEqual(calls, [['status', []]]);
  });

  it('passes the names of a POST body to the action and returns its results', async () => {
    const { api, calls } = fakeApi();
    const reply = await call(api, { method: 'POST', path: '/v1/start', ...json({ names: ['web', 'db'] }) });
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { results: [started('web'), started('db')] });
    assert.deepEqual(calls, [['start', ['web', 'db']]]);
  });

  it('refuses a malformed body with 400 E_BAD_REQUEST, without calling the API', async () => {
    const { api, calls } = fakeApi();
    const cases: [InProcessRequest, RegExp][] = [
      [{ method: 'POST', path: '/v1/start', ...json({ names: [] }) }, /names must be a non-empty list/],
      [{ method: 'POST', path: '/v1/stop', ...json({ names: ['ok', 3] }) }, /names must be a non-empty list/],
      [{ method: 'POST', path: '/v1/start', body: '{not json' }, /Cannot parse request body as JSON/],
      [{ method: 'POST', path: '/v1/start', ...json(['web']) }, /request body must be a JSON object/],
      [{ method: 'POST', path: '/v1/signal', ...json({ names: ['web'] }) }, /signal is required/],
      [{ method: 'POST', path: '/v1/stdin', ...json({ name: 'web' }) }, /name and data are required/],
      [{ method: 'GET', path: '/v1/history' }, /name is required/],
      [{ method: 'GET', path: '/v1/tail?name=web&lines=many' }, /lines must be a whole number/],
      [{ method: 'GET', path: '/v1/tail?name=web&stream=stdwhat' }, /stream must be stdout or stderr/],
    ];
    for (const [request, message] of cases) {
      const reply = await call(api, request);
      assert.equal(reply.status, 400, `${request.method} ${request.path} ${request.body ?? ''}`);
      const error = JSON.parse(reply.body) as { code: string; message: string; details: unknown };
      assert.equal(error.code, 'E_BAD_REQUEST');
      assert.match(error.message, message);
      assert.equal(error.details, null);
    }
    assert.deepEqual(calls, []);
  });

  it('refuses a body over the limit with 413', async () => {
    const { api } = fakeApi();
    const reply = await call(api, { method: 'POST', path: '/v1/stdin', body: 'x'.repeat(maxBodyBytes + 1) });
    assert.equal(reply.status, 413);
    assert.equal((JSON.parse(reply.body) as { code: string }).code, 'E_TOO_LARGE');
  });

  it('answers an unknown route or method with 404 E_NOT_FOUND', async () => {
    const { api } = fakeApi();
    for (const [method, path] of [['GET', '/v1/nothing'], ['DELETE', '/v1/status'], ['GET', '/v1/start']] as const) {
      const reply = await call(api, { method, path });
      assert.equal(reply.status, 404, `${method} ${path}`);
      assert.deepEqual(JSON.parse(reply.body), { code: 'E_NOT_FOUND', message: `no route ${method} ${path}`, details: null });
    }
  });

  it("turns the API's errors into their status and {code, message, details}", async () => {
    const unknown = new TaskmasterError('E_NO_SUCH_PROCESS', 'no such process: nope', { name: 'nope' });
    const { api } = fakeApi({ start: unknown, version: new Error('disk on fire') });
    const missing = await call(api, { method: 'POST', path: '/v1/start', ...json({ names: ['nope'] }) });
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.body), { code: 'E_NO_SUCH_PROCESS', message: 'no such process: nope', details: { name: 'nope' } });
    const broken = await call(api, { method: 'GET', path: '/v1/version' });
    assert.equal(broken.status, 500);
    assert.deepEqual(JSON.parse(broken.body), { code: 'E_INTERNAL', message: 'disk on fire', details: null });
  });

  it('serves tail as plain text, and reread without applying', async () => {
    const { api, calls } = fakeApi();
    const tail = await call(api, { method: 'GET', path: '/v1/tail?name=web&stream=stderr&lines=5' });
    assert.equal(tail.status, 200);
    assert.match(String(tail.headers['content-type']), /^text\/plain/);
    assert.equal(tail.body, 'last line\n');
    const reread = await call(api, { method: 'GET', path: '/v1/reread' });
    assert.equal(JSON.parse(reread.body).applied, false);
    assert.deepEqual(calls, [['tail', { kind: 'process', name: 'web', stream: 'stderr' }, 5], ['reread']]);
  });

  it('answers shutdown first, then asks for it', async () => {
    const { api } = fakeApi();
    let requested = 0;
    const reply = await call(api, { method: 'POST', path: '/v1/shutdown', ...json({}) }, () => (requested += 1));
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), { ok: true, message: 'shutting down' });
    assert.equal(requested, 1);
  });

  it('streams events as server-sent events, and stops watching when the client leaves', async () => {
    const { api, watchers } = fakeApi();
    const controller = new AbortController();
    let streamed = '';
    const replying = call(api, {
      method: 'GET',
      path: '/v1/events',
      signal: controller.signal,
      onText: (text) => {
        streamed += text;
        if (streamed.includes('\n\n')) controller.abort();
      },
    });
    const reply = await replying;
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/event-stream');
    assert.equal(reply.body, `event: snapshot\ndata: ${JSON.stringify({ type: 'snapshot', processes: [web] })}\n\n`);
    assert.equal(watchers.length, 1);
    assert.ok(watchers[0]!.aborted, 'the watch ended with the client');
  });
});
