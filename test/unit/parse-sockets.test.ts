import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/config/parse-config.js';
import { problemsOf } from './config-problems.js';

const parse = (text: string) => parseConfig(text, '/srv/taskmaster.yaml', { socket: '/tmp/t.sock' });

const problems = (text: string): string[] => problemsOf(() => parse(text));

describe('sockets', () => {
  it('reads TCP and UNIX addresses, long and short forms, with the program name and backlog 4096 by default', () => {
    const config = parse(`programs:
  web:
    cmd: sleep 1
    sockets:
      - { listen: "127.0.0.1:8080", name: http, backlog: 16 }
      - "[::1]:8080"
      - ./run/web.sock
`);
    assert.deepEqual(config.programs.get('web')?.sockets, [
      { listen: '127.0.0.1:8080', address: { kind: 'tcp', host: '127.0.0.1', port: 8080 }, name: 'http', backlog: 16 },
      { listen: '[::1]:8080', address: { kind: 'tcp', host: '::1', port: 8080 }, name: 'web', backlog: 4096 },
      { listen: '/srv/run/web.sock', address: { kind: 'unix', path: '/srv/run/web.sock' }, name: 'web', backlog: 4096 },
    ]);
    assert.deepEqual(parse('programs:\n  a: { cmd: sleep 1 }\n').programs.get('a')?.sockets, []);
  });

  it('reports every bad field with file:line:col and its key path', () => {
    assert.deepEqual(problems(`programs:
  web:
    cmd: sleep 1
    sockets:
      - { listen: localhost:80 }
      - { listen: "10.0.0.1:70000", name: "a:b", backlog: 0 }
      - { name: x }
      - "::1:80"
  api: { cmd: sleep 1, sockets: 8080 }
`), [
      '/srv/taskmaster.yaml:5:19: programs.web.sockets[0].listen: expected an IP address and port such as 127.0.0.1:8080 or [::1]:8080, or a UNIX socket path (a host name is not resolved: write its address), got localhost:80',
      '/srv/taskmaster.yaml:6:19: programs.web.sockets[1].listen: expected an IP address and port such as 127.0.0.1:8080 or [::1]:8080, or a UNIX socket path, got "10.0.0.1:70000"',
      '/srv/taskmaster.yaml:6:43: programs.web.sockets[1].name: expected a name of printable characters without spaces or :, got "a:b"',
      '/srv/taskmaster.yaml:6:59: programs.web.sockets[1].backlog: expected a whole number from 1 to 65535, got 0',
      '/srv/taskmaster.yaml:7:9: programs.web.sockets[2]: listen is required (an address such as 127.0.0.1:8080, or a UNIX socket path)',
      '/srv/taskmaster.yaml:8:9: programs.web.sockets[3]: expected an IP address and port such as 127.0.0.1:8080 or [::1]:8080, or a UNIX socket path (an IPv6 address goes in brackets), got "::1:80"',
      '/srv/taskmaster.yaml:9:33: programs.api.sockets: expected a list of sockets such as [{listen: "127.0.0.1:8080", name: web}], got 8080',
    ]);
  });

  it('refuses an address listened on twice, in one program or across two, at the second', () => {
    assert.deepEqual(problems(`programs:
  web: { cmd: sleep 1, sockets: ["127.0.0.1:8080", "/run/a.sock"] }
  api:
    cmd: sleep 1
    sockets:
      - { listen: "127.0.0.1:8080" }
      - "/run/a.sock"
`), [
      '/srv/taskmaster.yaml:6:19: programs.api.sockets[0].listen: 127.0.0.1:8080 is already listened on by programs.web.sockets[0]',
      '/srv/taskmaster.yaml:7:9: programs.api.sockets[1]: /run/a.sock is already listened on by programs.web.sockets[1]',
    ]);
    assert.match(problems('programs:\n  web: { cmd: sleep 1, sockets: ["[::1]:80", "[::1]:80"] }\n')[0]!, /sockets\[1\]: \[::1\]:80 is already listened on by programs\.web\.sockets\[0\]/);
  });

  it('restarts the program when its sockets change on reload', async () => {
    const { diffConfigs } = await import('../../src/config/config-diff.js');
    const before = parse('programs:\n  web: { cmd: sleep 1, sockets: ["127.0.0.1:8080"] }\n');
    const after = parse('programs:\n  web: { cmd: sleep 1, sockets: ["127.0.0.1:8081"] }\n');
    assert.deepEqual(diffConfigs(before, after).changed.map((change) => [change.name, change.respawn]), [['web', true]]);
  });

  it('refuses sockets on a tty: true program, which gets no descriptors but its terminal', () => {
    assert.deepEqual(problems('programs:\n  web: { cmd: sleep 1, tty: true, sockets: ["127.0.0.1:8080"] }\n'), [
      '/srv/taskmaster.yaml:2:44: programs.web.sockets: cannot be used with tty: true (a pseudo-terminal carries no other descriptors, and its output is not a pipe)',
    ]);
  });
});
