import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const magic = /[*?[]/;

/** A glob segment as Python's fnmatch reads it: `*`, `?`, `[abc]`, `[!abc]`. */
function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let index = 0; index < segment.length; index += 1) {
    const character = segment[index]!;
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else if (character === '[') {
      const end = segment.indexOf(']', index + 2);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      let inside = segment.slice(index + 1, end);
      if (inside.startsWith('!')) inside = `^${inside.slice(1)}`;
      source += `[${inside.replace(/\\/g, '\\\\')}]`;
      index = end;
    } else source += character.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

const exists = (path: string): boolean => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};

/**
 * The paths an absolute pattern matches, sorted, as supervisord's glob.glob then sorted():
 * a wildcard does not match a leading dot, and `**` is no deeper than `*`.
 */
export function globFiles(pattern: string): string[] {
  if (!magic.test(pattern)) return exists(pattern) ? [pattern] : [];
  let paths = ['/'];
  for (const segment of pattern.split('/').filter((part) => part !== '')) {
    if (!magic.test(segment)) {
      paths = paths.map((path) => join(path, segment));
      continue;
    }
    const matcher = segmentPattern(segment);
    const next: string[] = [];
    for (const path of paths) {
      let names: string[];
      try {
        names = readdirSync(path);
      } catch {
        continue;
      }
      for (const name of names) if (matcher.test(name) && (!name.startsWith('.') || segment.startsWith('.'))) next.push(join(path, name));
    }
    paths = next;
  }
  return paths.filter(exists).sort();
}
