import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeMethodCall, encodeFault, encodeResponse, escapeText } from '../../src/control/xmlrpc/xmlrpc-codec.js';
import { maxXmlDepth, readXml, XmlSyntaxError } from '../../src/control/xmlrpc/xml-reader.js';

const call = (params: string, method = 'supervisor.test'): string => `<?xml version='1.0'?>\n<methodCall>\n<methodName>${method}</methodName>\n<params>${params}</params>\n</methodCall>\n`;
const param = (value: string): string => `<param><value>${value}</value></param>`;

describe('the XML-RPC codec', () => {
  it('decodes every value type, keeping the whitespace of strings', () => {
    const xml = call([
      param('<string>  two  spaces </string>'),
      param('  untyped  '),
      param('<int>-42</int>'),
      param('<i4>7</i4>'),
      param('<boolean>1</boolean>'),
      param('<double>1.5</double>'),
      param('<base64>aGk=</base64>'),
      param('<nil/>'),
      param('<array><data><value><int>1</int></value><value>a</value></data></array>'),
      param('<struct><member><name>methodName</name><value><string>x</string></value></member></struct>'),
      param('<string>&lt;&amp;&gt; &#233;&#x20AC; <![CDATA[<raw & text>]]></string>'),
    ].join(''));
    const decoded = decodeMethodCall(xml);
    assert.equal(decoded.methodName, 'supervisor.test');
    assert.deepEqual(decoded.params, ['  two  spaces ', '  untyped  ', -42, 7, true, 1.5, Buffer.from('hi'), null, [1, 'a'], { methodName: 'x' }, '<&> é€ <raw & text>']);
  });

  it('decodes a call without params, as some clients send it', () => {
    assert.deepEqual(decodeMethodCall('<methodCall><methodName>system.listMethods</methodName></methodCall>'), { methodName: 'system.listMethods', params: [] });
  });

  it('refuses DOCTYPE, so no entity can expand (billion laughs)', () => {
    assert.throws(() => readXml('<!DOCTYPE lol [<!ENTITY lol "lol">]><methodCall/>'), /DOCTYPE/);
    assert.throws(() => readXml('<methodCall>&lol;</methodCall>'), /unknown entity/);
  });

  it('refuses malformed documents with the offset of the problem', () => {
    for (const bad of ['<a><b></a>', '<a>', 'text', '<a></a><b></b>', '<a attr="x></a>', '<methodCall><methodName>x</methodName><params><param><value><int>1.5</int></value></param></params></methodCall>', '']) {
      assert.throws(() => decodeMethodCall(bad), XmlSyntaxError, bad);
    }
    assert.throws(() => readXml('<a>'.repeat(maxXmlDepth + 1)), /nesting deeper/);
  });

  it('encodes results, clamping integers to 32 bits as XML-RPC needs', () => {
    const xml = encodeResponse([2 ** 40, -(2 ** 40), 5, 0.5, true, 'x', { a: [] }]);
    assert.match(xml, /<int>2147483647<\/int>/);
    assert.match(xml, /<int>-2147483648<\/int>/);
    assert.match(xml, /<int>5<\/int>/);
    assert.match(xml, /<double>0\.5<\/double>/);
    assert.match(xml, /<boolean>1<\/boolean>/);
    assert.match(xml, /<member><name>a<\/name><value><array><data><\/data><\/array><\/value><\/member>/);
    assert.deepEqual(decodeMethodCall(xml.replace('methodResponse', 'methodCall').replace('</methodResponse>', '</methodCall>').replace('<methodCall>', '<methodCall><methodName>m</methodName>')).params[0], [2147483647, -2147483648, 5, 0.5, true, 'x', { a: [] }]);
  });

  it('strips colour escapes, replaces characters XML cannot carry, and keeps carriage returns', () => {
    assert.equal(escapeText('\x1b[1;31mred\x1b[0m \x1b]0;title\x07ok'), 'red ok');
    assert.equal(escapeText('a\x00b\x08c\x1bd\ufffee'), 'a\ufffdb\ufffdc\ufffdd\ufffde');
    assert.equal(escapeText('lone \ud800 surrogate'), 'lone \ufffd surrogate');
    assert.equal(escapeText('a\r\nb & <c>'), 'a&#13;\nb &amp; &lt;c&gt;');
    assert.equal(escapeText('tab\tand 😀'), 'tab\tand 😀');
  });

  it('encodes a fault as supervisord does', () => {
    assert.equal(encodeFault(10, 'BAD_NAME: x'), "<?xml version='1.0'?>\n<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>10</int></value></member><member><name>faultString</name><value><string>BAD_NAME: x</string></value></member></struct></value></fault></methodResponse>\n");
  });
});
