/** An element of a parsed XML document: its children and the text directly inside it. */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

/** Deeper than any XML-RPC call needs (a multicall of structs of arrays is about 20). */
export const maxXmlDepth = 64;

export class XmlSyntaxError extends Error {
  constructor(message: string, offset: number) {
    super(`Cannot parse XML at offset ${offset}: ${message}`);
    this.name = 'XmlSyntaxError';
  }
}

const namedEntities: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const namePattern = /^[A-Za-z_:][-A-Za-z0-9_.:]*/;

function decodeEntities(text: string, offset: number): string {
  return text.replace(/&([^;&\s]*);?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw new XmlSyntaxError(`unterminated entity ${whole}`, offset);
    const named = namedEntities[body];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(body);
    const code = numeric ? parseInt(numeric[1] ?? numeric[2]!, numeric[1] ? 16 : 10) : NaN;
    if (!Number.isInteger(code) || code > 0x10ffff || code === 0) throw new XmlSyntaxError(`unknown entity &${body};`, offset);
    return String.fromCodePoint(code);
  });
}

/**
 * A small, strict reader for the XML that XML-RPC uses: elements, text, entities, CDATA and
 * comments. It refuses DOCTYPE (so no entity can expand) and nesting deeper than maxXmlDepth.
 */
export function readXml(source: string): XmlElement {
  let at = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const fail = (message: string): never => {
    throw new XmlSyntaxError(message, at);
  };
  const expectEnd = (marker: string): number => {
    const end = source.indexOf(marker, at);
    if (end === -1) fail(`missing ${marker}`);
    return end;
  };
  while (at < source.length) {
    const open = source.indexOf('<', at);
    const textEnd = open === -1 ? source.length : open;
    if (textEnd > at) {
      const text = source.slice(at, textEnd);
      const parent = stack[stack.length - 1];
      if (parent) parent.text += decodeEntities(text, at);
      else if (text.trim() !== '') fail('text outside the root element');
      at = textEnd;
      continue;
    }
    if (source.startsWith('<?', at)) {
      at = expectEnd('?>') + 2;
    } else if (source.startsWith('<!--', at)) {
      at = expectEnd('-->') + 3;
    } else if (source.startsWith('<![CDATA[', at)) {
      const end = expectEnd(']]>');
      const parent = stack[stack.length - 1] ?? fail('CDATA outside the root element');
      parent.text += source.slice(at + 9, end);
      at = end + 3;
    } else if (source.startsWith('<!', at)) {
      fail('DOCTYPE and declarations are not allowed');
    } else if (source.startsWith('</', at)) {
      const end = expectEnd('>');
      const name = source.slice(at + 2, end).trim();
      const element = stack.pop();
      if (!element || element.name !== name) fail(`</${name}> does not close <${element?.name ?? 'nothing'}>`);
      at = end + 1;
    } else {
      const name = namePattern.exec(source.slice(at + 1, at + 200))?.[0] ?? fail('bad element name');
      // Attributes are skipped (XML-RPC has none), honouring quotes so a `>` inside one does not end the tag.
      let cursor = at + 1 + name.length;
      let quote: string | null = null;
      while (cursor < source.length && (quote !== null || (source[cursor] !== '>'))) {
        const char = source[cursor]!;
        if (quote !== null) {
          if (char === quote) quote = null;
        } else if (char === '"' || char === "'") {
          quote = char;
        } else if (char === '<') {
          fail(`< inside the tag <${name}>`);
        }
        cursor += 1;
      }
      if (cursor >= source.length) fail(`unterminated tag <${name}>`);
      const selfClosing = source[cursor - 1] === '/';
      const element: XmlElement = { name, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('a second root element');
      else root = element;
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > maxXmlDepth) fail(`nesting deeper than ${maxXmlDepth}`);
      }
      at = cursor + 1;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.name}> is not closed`);
  return root ?? fail('no root element');
}
