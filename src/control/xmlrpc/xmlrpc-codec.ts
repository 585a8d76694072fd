import type { RpcValue } from './rpc-value.js';
import { isStruct } from './rpc-value.js';
import { readXml, XmlSyntaxError, type XmlElement } from './xml-reader.js';

export interface MethodCall {
  readonly methodName: string;
  readonly params: RpcValue[];
}

/** XML-RPC's int is 32 bits: larger numbers are clamped, as supervisord caps its timestamps. */
export const maxRpcInt = 2 ** 31 - 1;
export const minRpcInt = -(2 ** 31);

function only(element: XmlElement, name: string): XmlElement {
  const found = element.children.filter((child) => child.name === name);
  if (found.length !== 1) throw new XmlSyntaxError(`<${element.name}> needs one <${name}>, has ${found.length}`, 0);
  return found[0]!;
}

function decodeValue(value: XmlElement): RpcValue {
  const typed = value.children[0];
  if (value.children.length > 1) throw new XmlSyntaxError('<value> with more than one type', 0);
  // A <value> without a type element is a string, whitespace and all.
  if (!typed) return value.text;
  const text = typed.text;
  switch (typed.name) {
    case 'string':
      return text;
    case 'int':
    case 'i4':
    case 'i8': {
      if (!/^\s*[+-]?\d+\s*$/.test(text)) throw new XmlSyntaxError(`bad integer ${JSON.stringify(text)}`, 0);
      return Number.parseInt(text, 10);
    }
    case 'boolean': {
      const trimmed = text.trim();
      if (trimmed !== '0' && trimmed !== '1') throw new XmlSyntaxError(`bad boolean ${JSON.stringify(text)}`, 0);
      return trimmed === '1';
    }
    case 'double': {
      const number = Number(text.trim());
      if (text.trim() === '' || Number.isNaN(number)) throw new XmlSyntaxError(`bad double ${JSON.stringify(text)}`, 0);
      return number;
    }
    case 'base64':
      return Buffer.from(text.replace(/\s+/g, ''), 'base64');
    case 'dateTime.iso8601':
      return text.trim();
    case 'nil':
      return null;
    case 'array':
      return only(typed, 'data').children.filter((child) => child.name === 'value').map(decodeValue);
    case 'struct': {
      const struct: Record<string, RpcValue> = {};
      for (const member of typed.children.filter((child) => child.name === 'member')) struct[only(member, 'name').text] = decodeValue(only(member, 'value'));
      return struct;
    }
    default:
      throw new XmlSyntaxError(`unknown value type <${typed.name}>`, 0);
  }
}

/** Parses a methodCall document; throws XmlSyntaxError when it is not one. */
export function decodeMethodCall(xml: string): MethodCall {
  const root = readXml(xml);
  if (root.name !== 'methodCall') throw new XmlSyntaxError(`the root element is <${root.name}>, not <methodCall>`, 0);
  const methodName = only(root, 'methodName').text.trim();
  const paramsElement = root.children.find((child) => child.name === 'params');
  const params = (paramsElement?.children ?? []).filter((child) => child.name === 'param').map((param) => decodeValue(only(param, 'value')));
  return { methodName, params };
}

// ESC sequences (CSI colours, OSC titles) are dropped whole; other characters XML cannot carry become U+FFFD.
const escapeSequences = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const outsideXml = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Text as XML can carry it: escaped, with \r kept as a reference so the client's parser does not fold it. */
export function escapeText(text: string): string {
  return text
    .replace(escapeSequences, '')
    .replace(outsideXml, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

function encodeValue(value: RpcValue, out: string[]): void {
  if (typeof value === 'string') {
    out.push('<value><string>', escapeText(value), '</string></value>');
  } else if (typeof value === 'boolean') {
    out.push('<value><boolean>', value ? '1' : '0', '</boolean></value>');
  } else if (typeof value === 'number') {
    if (Number.isInteger(value)) out.push('<value><int>', String(Math.min(maxRpcInt, Math.max(minRpcInt, value))), '</int></value>');
    else out.push('<value><double>', Number.isFinite(value) ? String(value) : '0', '</double></value>');
  } else if (value === null) {
    out.push('<value><nil/></value>');
  } else if (Buffer.isBuffer(value)) {
    out.push('<value><base64>', value.toString('base64'), '</base64></value>');
  } else if (Array.isArray(value)) {
    out.push('<value><array><data>');
    for (const item of value) encodeValue(item, out);
    out.push('</data></array></value>');
  } else if (isStruct(value)) {
    out.push('<value><struct>');
    for (const [key, member] of Object.entries(value)) {
      out.push('<member><name>', escapeText(key), '</name>');
      encodeValue(member, out);
      out.push('</member>');
    }
    out.push('</struct></value>');
  }
}

const prolog = "<?xml version='1.0'?>\n";

export function encodeResponse(value: RpcValue): string {
  const out = [prolog, '<methodResponse><params><param>'];
  encodeValue(value, out);
  out.push('</param></params></methodResponse>\n');
  return out.join('');
}

export function encodeFault(code: number, text: string): string {
  const out = [prolog, '<methodResponse><fault>'];
  encodeValue({ faultCode: code, faultString: text }, out);
  out.push('</fault></methodResponse>\n');
  return out.join('');
}
