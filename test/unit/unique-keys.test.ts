import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/parse-config.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, 'taskmaster.yaml', { socket: '/tmp/t.sock' });

const problems = (text: string): string[] => problemsOf(() => parse(text));

function programsYaml(count: number): string {
  let text = 'programs:\n';
  for (let index = 0; index < count; index++) text += `  p${index}:\n    cmd: "sleep 1000"\n    autostart: false\n`;
  return text;
}

function parseMs(text: string): number {
  const started = performance.now();
  parse(text);
  return performance.now() - started;
}

describe('duplicate keys', () => {
  it('reports a repeated key at every depth, with where the first one was', () => {
    assert.deepEqual(problems('programs:\n  a:\n    cmd: x\n    cmd: y\n  b: { cmd: x, env: { A: 1, A: 2 } }\n  a: { cmd: z }\nprograms: {}\n'), [
      'taskmaster.yaml:4:5: programs.a.cmd: set twice (first at line 3, column 5): keys must be unique',
      'taskmaster.yaml:5:29: programs.b.env.A: set twice (first at line 5, column 23): keys must be unique',
      'taskmaster.yaml:6:3: programs.a: set twice (first at line 2, column 3): keys must be unique',
      'taskmaster.yaml:7:1: programs: set twice (first at line 1, column 1): keys must be unique',
    ]);
  });

  it('still tells an alias apart from a repeated key', () => {
    assert.deepEqual(problems('programs:\n  a: { cmd: x, command: y }\n'), ['taskmaster.yaml:2:16: programs.a.command: cmd is set twice (command is another name for it)']);
  });

  it('parses in linear time: 16 times the programs take far less than 16 squared the time', () => {
    const small = programsYaml(2_000);
    const large = programsYaml(32_000);
    const smallMs = Math.min(parseMs(small), parseMs(small), parseMs(small));
    const largeMs = parseMs(large);
    // Linear is about 16x; the quadratic duplicate-key check of the yaml library gave over 60x.
    assert.ok(largeMs < smallMs * 40, `2,000 programs took ${smallMs.toFixed(0)} ms, 32,000 took ${largeMs.toFixed(0)} ms`);
  });
});
