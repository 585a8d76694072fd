import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDependencies } from '../../src/config/check-dependencies.js';
import { parseConfig } from '../../src/config/parse-config.js';
import type { ProgramConfig } from '../../src/config/types.js';

const one = parseConfig('programs:\n  x: { cmd: sleep 1 }\n', 'taskmaster.yaml', { socket: '/tmp/t.sock' }).programs.get('x')!;

function programs(edges: Record<string, string[]>): Map<string, ProgramConfig> {
  return new Map(Object.entries(edges).map(([name, targets]) => [name, { ...one, name, dependsOn: targets.map((target) => ({ name: target, condition: 'started' as const })) }]));
}

describe('dependency checks', () => {
  it('reports each cycle once, from where the search entered it', () => {
    assert.deepEqual(checkDependencies(programs({ a: ['b'], b: ['c'], c: ['a'], d: ['a'], e: ['e'], f: ['nope'] })), [
      { program: 'e', message: 'depends on itself' },
      { program: 'f', message: 'depends on nope, which is not a program here' },
      { program: 'a', message: 'dependency cycle: a -> b -> c -> a' },
    ]);
  });

  it('follows a chain of 50,000 programs without overflowing the stack', () => {
    const chain: Record<string, string[]> = {};
    for (let index = 0; index < 50_000; index++) chain[`p${index}`] = index < 49_999 ? [`p${index + 1}`] : ['p0'];
    const problems = checkDependencies(programs(chain));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /^dependency cycle: p0 -> p1 -> .* -> p49999 -> p0$/);
  });
});
