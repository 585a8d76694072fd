import { request, type ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface StateEvent {
  readonly name: string;
  readonly state: string;
  readonly pid: number | null;
  readonly atMs: number;
}

/** Follows GET /v1/events and calls `onState` for each `state` event, timestamped on arrival. */
export function followStateEvents(socketPath: string, onState: (event: StateEvent) => void): Promise<{ close: () => void }> {
  return new Promise((resolve, reject) => {
    let call: ClientRequest | undefined;
    call = request({ socketPath, method: 'GET', path: '/v1/events' }, (response) => {
      let buffered = '';
      response.setEncoding('utf8');
      response.on('error', () => {});
      response.on('data', (text: string) => {
        const atMs = performance.now();
        buffered += text;
        for (let end = buffered.indexOf('\n\n'); end !== -1; end = buffered.indexOf('\n\n')) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (!frame.startsWith('event: state')) continue;
          const dataLine = frame.split('\n').find((line) => line.startsWith('data: '));
          if (!dataLine) continue;
          const { process } = JSON.parse(dataLine.slice(6)) as { process: { name: string; state: string; pid: number | null } };
          onState({ name: process.name, state: process.state, pid: process.pid, atMs });
        }
      });
      resolve({ close: () => call?.destroy() });
    });
    call.on('error', reject);
    call.end();
  });
}
