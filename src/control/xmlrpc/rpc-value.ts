/** A value XML-RPC carries; base64 arrives as a Buffer, dateTime as its ISO text. */
export type RpcValue = string | number | boolean | Buffer | null | readonly RpcValue[] | { readonly [key: string]: RpcValue };

export function isStruct(value: RpcValue): value is { readonly [key: string]: RpcValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
