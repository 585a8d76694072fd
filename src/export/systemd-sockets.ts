import type { ListenSocketConfig, ProgramConfig } from '../config/types.js';
import type { ExportedFile } from './exported-file.js';
import { pathValue } from './systemd-quote.js';

/** FileDescriptorName= names every fd of a .socket unit alike: one unit per name, in the program's order. */
function socketsByName(sockets: readonly ListenSocketConfig[]): Map<string, ListenSocketConfig[]> {
  const groups = new Map<string, ListenSocketConfig[]>();
  for (const socket of sockets) groups.set(socket.name, [...(groups.get(socket.name) ?? []), socket]);
  return groups;
}

function socketUnitName(program: ProgramConfig, name: string, groups: number): string {
  return groups === 1 && name === program.name ? `${program.name}.socket` : `${program.name}-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.socket`;
}

/** The `.socket` units of a program with `sockets`: systemd listens, as Taskmaster does, and starts the service on the first connection. */
export function socketUnits(program: ProgramConfig): ExportedFile[] {
  const groups = socketsByName(program.sockets);
  return [...groups].map(([name, sockets]) => ({
    name: socketUnitName(program, name, groups.size),
    text: [
      '[Unit]',
      `Description=sockets of ${program.name} (${name})`,
      '',
      '[Socket]',
      ...sockets.map((socket) => `ListenStream=${socket.address.kind === 'unix' ? pathValue(socket.address.path) : socket.listen}`),
      `FileDescriptorName=${name}`,
      `Backlog=${Math.max(...sockets.map((socket) => socket.backlog))}`,
      `Service=${program.name}.service`,
      '',
      '[Install]',
      'WantedBy=sockets.target',
      '',
    ].join('\n'),
  }));
}

/** What the service unit says of its sockets: the units it takes them from, or why they cannot map. */
export function socketServiceLines(program: ProgramConfig): string[] {
  if (program.sockets.length === 0) return [];
  if (program.numprocs > 1 || program.schedule !== null) {
    return [`# sockets ${program.sockets.map((socket) => socket.listen).join(', ')}: a systemd socket activates one service; with numprocs > 1 or a schedule, write a .socket unit by hand (Accept=yes starts one service per connection)`];
  }
  const groups = socketsByName(program.sockets);
  return [`Sockets=${[...groups.keys()].map((name) => socketUnitName(program, name, groups.size)).join(' ')}`];
}
