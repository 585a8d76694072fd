import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

export interface DuplicateKey {
  readonly keyPath: string;
  /** The later key, where the problem is reported. */
  readonly node: Node;
  readonly first: Node;
}

function keyText(key: unknown, source: string): string {
  if (isScalar(key)) return String(key.value);
  const range = (key as Node | null)?.range;
  return range ? source.slice(range[0], range[1]).trim() : String(key);
}

/**
 * Every repeated key in every mapping, in one pass with a Set per mapping.
 * The yaml library's own check compares each key with all before it, which is quadratic.
 */
export function findDuplicateKeys(root: Node | null, source: string): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  // An explicit stack, so deep nesting cannot overflow the call stack here.
  const pending: Array<{ node: unknown; path: string }> = [{ node: root, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, path } = next;
    if (isMap(node)) {
      const seen = new Map<string, Node>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const name = keyText(pair.key, source);
        const keyPath = path ? `${path}.${name}` : name;
        const first = seen.get(name);
        if (first) duplicates.push({ keyPath, node: pair.key as Node, first });
        else seen.set(name, pair.key as Node);
        pending.push({ node: pair.value, path: keyPath });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => pending.push({ node: item, path: `${path}[${index}]` }));
    }
  }
  return duplicates;
}
