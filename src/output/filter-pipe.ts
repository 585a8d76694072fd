import { Transform, type Readable } from 'node:stream';

/** A child's pipe read through a filter: `push` maps each read to what goes on, `end` gives what it held at the end. */
export function filterPipe(source: Readable, push: (chunk: Buffer) => Buffer, end: () => Buffer): Readable {
  const filtered = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const out = push(chunk);
      done(null, out.length > 0 ? out : undefined);
    },
    flush(done) {
      const rest = end();
      done(null, rest.length > 0 ? rest : undefined);
    },
  });
  source.on('error', () => {});
  // A pipe that breaks never ends: what was read still goes out.
  source.once('close', () => {
    if (!filtered.writableEnded) filtered.end();
  });
  source.pipe(filtered);
  return filtered;
}
