import { isMap, isSeq, type Node } from 'yaml';
import type { ProgramEntry } from './normalise-program.js';
import type { IssueList } from './yaml-values.js';

/** Where a socket's address was written: its `listen` value, or the list item itself for the short form. */
function listenNodeOf(item: Node): Node {
  if (!isMap(item)) return item;
  const pair = item.items.find((candidate) => String((candidate.key as { value?: unknown }).value) === 'listen');
  return (pair?.value as Node | null | undefined) ?? item;
}

/** Each address is listened on once: two sockets (in one program or two) on the same address are an error at the second. */
export function checkSockets(entries: readonly ProgramEntry[], issues: IssueList): void {
  const firstUse = new Map<string, string>();
  for (const entry of entries) {
    const sockets = entry.program?.sockets ?? [];
    const field = entry.fields.get('sockets');
    if (!field || !isSeq(field.node)) continue;
    sockets.forEach((socket, index) => {
      const keyPath = `${field.keyPath}[${index}]`;
      const earlier = firstUse.get(socket.listen);
      if (earlier === undefined) {
        firstUse.set(socket.listen, keyPath);
        return;
      }
      const item = (field.node as { items: Node[] }).items[index];
      issues.add(item ? listenNodeOf(item) : field.node, isMap(item) ? `${keyPath}.listen` : keyPath, `${socket.listen} is already listened on by ${earlier}`);
    });
  }
}
