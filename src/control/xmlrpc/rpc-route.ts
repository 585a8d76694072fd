import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SupervisorApi } from '../../contracts/supervisor-api.js';
import { TaskmasterError } from '../../contracts/errors.js';
import { keepConnectionOpen } from '../connection-guard.js';
import type { DaemonControl, DaemonMood } from './daemon-methods.js';
import { createDispatcher } from './rpc-dispatcher.js';
import { restartEverything } from './restart-everything.js';
import { decodeMethodCall, encodeFault, encodeResponse } from './xmlrpc-codec.js';
import { XmlSyntaxError } from './xml-reader.js';

/** An XML-RPC call larger than this is refused (413); sendProcessStdin is the only big one. */
export const maxRpcBodyBytes = 1024 * 1024;

async function readRawBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxRpcBodyBytes) throw new TaskmasterError('E_TOO_LARGE', `XML-RPC request over ${maxRpcBodyBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendXml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** supervisord's mood and its shutdown and restart, carried out after the answer has gone out. */
function daemonControl(api: SupervisorApi, onShutdownRequested: () => void): DaemonControl {
  let mood: DaemonMood = 'RUNNING';
  return {
    mood: () => mood,
    requestShutdown() {
      mood = 'SHUTDOWN';
      setImmediate(onShutdownRequested);
    },
    requestRestart() {
      mood = 'RESTARTING';
      setImmediate(() => {
        restartEverything(api)
          .catch(() => undefined)
          .finally(() => {
            if (mood === 'RESTARTING') mood = 'RUNNING';
          });
      });
    },
  };
}

/** POST /RPC2: supervisord's XML-RPC interface, one more front end of the SupervisorApi. */
export function createRpcRoute(api: SupervisorApi, onShutdownRequested: () => void): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const dispatch = createDispatcher(api, daemonControl(api, onShutdownRequested));
  return async (request, response) => {
    keepConnectionOpen(response);
    // Invalid UTF-8 becomes U+FFFD rather than a refusal, like the logs it may carry.
    const xml = (await readRawBody(request)).toString('utf8');
    let call;
    try {
      call = decodeMethodCall(xml);
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error;
      throw new TaskmasterError('E_BAD_REQUEST', `XML-RPC request is invalid: ${error.message}`);
    }
    if (call.methodName === '') throw new TaskmasterError('E_BAD_REQUEST', 'XML-RPC request is invalid: no method name');
    const outcome = await dispatch(call.methodName, call.params);
    sendXml(response, 200, outcome.ok ? encodeResponse(outcome.value) : encodeFault(outcome.code, outcome.text));
  };
}
