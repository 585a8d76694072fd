import { unixHttp } from '../lib/unix-http.js';

export interface SupervisordProcess {
  readonly name: string;
  readonly state: string;
  readonly pid: number;
}

function memberValue(struct: string, member: string): string | undefined {
  const match = new RegExp(`<name>${member}</name>\\s*<value>\\s*<(?:string|int|i4)>([^<]*)</`).exec(struct);
  return match?.[1];
}

/** supervisord's XML-RPC over its UNIX socket, without supervisorctl's Python start-up cost. */
export async function supervisordRpc(socket: string, method: string): Promise<string> {
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params></params></methodCall>`;
  const response = await unixHttp(socket, 'POST', '/RPC2', body, 'text/xml');
  if (response.status !== 200 || response.body.includes('<fault>')) throw new Error(`supervisord ${method} failed: ${response.body.slice(0, 300)}`);
  return response.body;
}

export async function allProcessInfo(socket: string): Promise<SupervisordProcess[]> {
  const body = await supervisordRpc(socket, 'supervisor.getAllProcessInfo');
  return body
    .split('<struct>')
    .slice(1)
    .map((struct) => ({
      name: memberValue(struct, 'name') ?? '',
      state: memberValue(struct, 'statename') ?? '',
      pid: Number(memberValue(struct, 'pid') ?? 0),
    }));
}
