import type { CommandRow } from './command-row.js';

const reload: CommandRow = {
  name: 'reload',
  usage: 'reload',
  summary: 're-read the config and apply the difference (as SIGHUP)',
  completes: 'none',
  run: async (api) => ({ kind: 'reload', result: await api.reload() }),
};

const reread: CommandRow = {
  name: 'reread',
  usage: 'reread',
  summary: 'show what reload would change, without applying it',
  completes: 'none',
  run: async (api) => ({ kind: 'reload', result: await api.reread() }),
};

const avail: CommandRow = {
  name: 'avail',
  usage: 'avail',
  summary: 'list the configured programs',
  completes: 'none',
  run: async (api) => ({ kind: 'avail', programs: await api.avail() }),
};

export { reload as reloadCommand, reread as rereadCommand, avail as availCommand };
