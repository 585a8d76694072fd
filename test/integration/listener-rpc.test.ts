import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixtures, run, RunningTaskmaster, tailOf, waitFor } from '../helpers.js';

// Debian's python3, which has supervisor's own childutils and xmlrpc transport.
const python = '/usr/bin/python3';

describe('an event listener that calls back into its supervisor, as superlance\'s memmon and httpok do', () => {
  it('finds the supervisor through SUPERVISOR_SERVER_URL, restarts a process over XML-RPC, and hears sendRemoteCommEvent', async (t) => {
    const tm = await RunningTaskmaster.startFor(t, `
programs:
  target: { cmd: "sleep 1000", starttime: 0 }
  mon: { cmd: "${python} ${fixtures}/rpc-listener.py", listener: { events: [PROCESS_STATE_RUNNING, REMOTE_COMMUNICATION] } }
`);
    const said = (pattern: RegExp) => waitFor(async () => {
      const text = await tailOf(tm.socket, 'mon', 100, 'stderr');
      return pattern.test(text) ? text : undefined;
    }, `the listener to say ${pattern}`, 30_000);
    const seen = await said(/rpc restarted target/);
    const firstPid = Number(/rpc saw RUNNING pid (\d+)/.exec(seen)![1]);
    await waitFor(async () => {
      const target = await tm.process('target');
      return target.state === 'RUNNING' && target.pid !== firstPid;
    }, 'target running again under a new pid', 30_000);

    const sent = await run(python, ['-c', `
import xmlrpc.client, sys
from supervisor.xmlrpc import SupervisorTransport
proxy = xmlrpc.client.ServerProxy('http://127.0.0.1', transport=SupervisorTransport(None, None, 'unix://' + sys.argv[1]))
print(proxy.supervisor.sendRemoteCommEvent('deploy', 'version 2'))
`, tm.socket]);
    assert.equal(sent.stdout.trim(), 'True', sent.stderr);
    await said(/remote event: type:deploy \| version 2/);
  });
});
