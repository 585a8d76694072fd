import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeChunked, parseResponseHead, ReplyCutShort, requestOnce } from '../../src/control/socket-request.js';
import { makeTempDir } from '../helpers.js';

/** A UNIX socket server that answers each connection with `answer`, given what the client sent. */
async function rawServer(answer: (socket: Socket, request: string) => void): Promise<{ path: string; server: Server }> {
  const path = join(await makeTempDir('tm-sockreq-'), 's.sock');
  const server = createServer((socket) => {
    let request = '';
    socket.on('data', (chunk: Buffer) => {
      request += chunk.toString('latin1');
      const headEnd = request.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(request)?.[1] ?? 0);
      if (headEnd !== -1 && request.length >= headEnd + 4 + length) answer(socket, request);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { path, server };
}

describe('parseResponseHead', () => {
  it('waits for the blank line, then reads the status and lower-cased headers', () => {
    assert.equal(parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain')), null);
    const head = parseResponseHead(Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length:  7 \r\n\r\n{"a":1}'))!;
    assert.equal(head.status, 404);
    assert.equal(head.headers.get('content-type'), 'application/json');
    assert.equal(head.headers.get('content-length'), '7');
    assert.equal(head.length, 'HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length:  7 \r\n\r\n'.length);
  });

  it('refuses what is not an HTTP answer', () => {
    assert.throws(() => parseResponseHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n')), ReplyCutShort);
  });
});

describe('decodeChunked', () => {
  it('joins the chunks up to the empty last one', () => {
    assert.equal(decodeChunked(Buffer.from('5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n')).toString(), 'hello, world');
  });

  it('says when the body stops before its last chunk', () => {
    assert.throws(() => decodeChunked(Buffer.from('5\r\nhello\r\n')), /stops before its last chunk/);
    assert.throws(() => decodeChunked(Buffer.from('a\r\nhello')), /stops inside a chunk/);
    assert.throws(() => decodeChunked(Buffer.from('zz\r\nhello\r\n')), /bad chunk size/);
  });
});

describe('requestOnce over a real UNIX socket', () => {
  it('sends the request line, Host, and for a POST a JSON body with its length; reads a content-length answer without waiting for the close', async () => {
    let seen = '';
    const { path } = await rawServer((socket, request) => {
      seen = request;
      // The connection stays open: the answer is whole once its length is in.
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}');
    });
    const response = await requestOnce(path, 'POST', '/v1/start', '{"names":["é"]}');
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), '{"ok":true}');
    assert.match(seen, /^POST \/v1\/start HTTP\/1\.1\r\n/);
    assert.match(seen, /\r\nhost: localhost\r\n/);
    assert.match(seen, /\r\ncontent-type: application\/json\r\n/);
    assert.match(seen, /\r\ncontent-length: 16\r\n/);
    assert.ok(seen.endsWith('\r\n\r\n{"names":["\xc3\xa9"]}'));
  });

  it('reads a chunked answer, or one without a length, to the close, in pieces however they arrive', async () => {
    const { path } = await rawServer((socket, request) => {
      const chunked = request.startsWith('GET /chunked');
      const bytes = chunked ? 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n' : 'HTTP/1.1 200 OK\r\n\r\nall of it';
      // One byte a write: the head and the body come apart.
      for (const byte of bytes) socket.write(byte);
      socket.end();
    });
    assert.equal((await requestOnce(path, 'GET', '/chunked')).body.toString(), 'abcde');
    assert.equal((await requestOnce(path, 'GET', '/plain')).body.toString(), 'all of it');
  });

  it('rejects with ReplyCutShort when the answer stops short of its length, and with the socket error when nobody listens', async () => {
    const { path } = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this'));
    await assert.rejects(requestOnce(path, 'GET', '/v1/status'), (error: Error) => error instanceof ReplyCutShort && /after 9 of 100 bytes/.test(error.message));
    await assert.rejects(requestOnce(join(await makeTempDir('tm-sockreq-'), 'none.sock'), 'GET', '/v1/pid'), { code: 'ENOENT' });
  });
});
