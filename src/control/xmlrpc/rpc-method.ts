import type { RpcValue } from './rpc-value.js';

/** One published method: its signature as methodSignature gives it (return type first), its help, its body. */
export interface RpcMethod {
  readonly signature: readonly string[];
  /** Trailing parameters that may be left out (supervisord's `wait=True`). */
  readonly optional?: number;
  readonly help: string;
  run(params: readonly RpcValue[]): Promise<RpcValue>;
}

export type RpcMethodTable = ReadonlyMap<string, RpcMethod>;
