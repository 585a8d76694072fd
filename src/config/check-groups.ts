import type { ProgramEntry } from './normalise-program.js';
import { fullNamesOf } from './process-names.js';
import type { IssueList } from './yaml-values.js';

/**
 * Groups name processes together: a group may not take the name of a program that belongs
 * elsewhere (`x` would name two things), and no two processes may share a full name.
 */
export function checkGroups(entries: readonly ProgramEntry[], issues: IssueList): void {
  const byName = new Map(entries.flatMap((entry) => (entry.program ? [[entry.name, entry] as const] : [])));
  const owner = new Map<string, string>();
  for (const entry of entries) {
    const program = entry.program;
    if (!program) continue;
    const groupField = entry.fields.get('group');
    const namesake = byName.get(program.group);
    // A program joins the group of its own name only by saying so: by default it is a program of its own.
    if (groupField && program.group !== entry.name && namesake?.program && (namesake.program.group !== program.group || !namesake.fields.has('group'))) {
      const where = namesake.program.group === program.group ? 'which is not in it (give it `group: ' + program.group + '` to put it there)' : `which is in group ${namesake.program.group}`;
      issues.add(groupField.node, groupField.keyPath, `group ${program.group} has the name of program ${program.group}, ${where}: "${program.group}" would name both`);
    }
    for (const fullName of fullNamesOf(program)) {
      const earlier = owner.get(fullName);
      if (earlier === undefined) {
        owner.set(fullName, entry.name);
        continue;
      }
      const at = groupField ?? { node: entry.nameNode, keyPath: `programs.${entry.name}` };
      issues.add(at.node, at.keyPath, `process ${fullName} is also a process of program ${earlier}: two processes cannot share a name`);
      break;
    }
  }
}
