import { hostname } from 'node:os';
import type { Node, YAMLMap } from 'yaml';
import type { SupervisordConfig } from '../types.js';
import type { IniDocument } from './ini-reader.js';
import { NodeMaker, SectionReader } from './ini-section-reader.js';
import type { IniIssueList, IniSources } from './ini-sources.js';
import { programsOfSection, type MadeProgram, type SectionGroup } from './ini-program.js';
import { readInetServer, readSupervisordSection, readSupervisorctl, readUnixServer } from './ini-settings.js';
import { iniInteger, iniList, iniName } from './ini-values.js';

export interface IniTranslation {
  /** The YAML-shaped document the shared stages normalise and validate. */
  readonly root: YAMLMap;
  readonly supervisord: Omit<SupervisordConfig, 'warnings'>;
}

const defaultFactory = 'supervisor.rpcinterface:make_main_rpcinterface';

/** Sections read by other stages, or by nobody on purpose. */
const quietSections = new Set(['include']);

/**
 * Turns the sections of a supervisord config into the document a taskmaster YAML config
 * parses to, with supervisord's defaults written out where ours differ. Unknown sections
 * and keys become warnings; what supervisord refuses becomes an issue.
 */
export function translateIni(document: IniDocument, sources: IniSources, issues: IniIssueList, warnings: IniIssueList, cwd: string): IniTranslation {
  const make = new NodeMaker(sources);
  const env = new Map<string, string | number>(Object.entries(process.env).flatMap(([key, value]) => (value === undefined ? [] : [[`ENV_${key}`, value] as const])));
  const names = new Map<string, string | number>([...env, ['host_node_name', hostname()]]);
  const readers: SectionReader[] = [];
  const reader = (name: string): SectionReader | undefined => {
    const section = document.sections.get(name);
    if (!section) return undefined;
    const made = new SectionReader(document, section, issues, warnings);
    readers.push(made);
    return made;
  };

  const main = reader('supervisord');
  if (!main) issues.addAt(0, '', '.ini file does not include supervisord section');
  const fallback = { entries: [], env: {}, settings: undefined };
  const { entries, settings, env: globalEnv } = main ? readSupervisordSection(main, names, make, cwd) : fallback;
  for (const [key, value] of Object.entries(globalEnv)) names.set(`ENV_${key}`, value);
  const top: (readonly [string, Node])[] = [...entries];
  const unix = reader('unix_http_server');
  const unixServer = unix ? readUnixServer(unix, names, make, cwd) : undefined;
  if (unixServer?.entry) top.push(unixServer.entry);
  const inet = reader('inet_http_server');
  const http = inet ? readInetServer(inet, names, make) : undefined;
  if (http) top.push(http);
  const ctl = reader('supervisorctl');
  const supervisorctl = ctl ? readSupervisorctl(ctl, names) : null;
  const socketEntry = unixServer?.entry;
  const serverUrl = socketEntry ? `unix://${String((socketEntry[1] as { value?: unknown }).value)}` : null;

  const groups = readGroups(document, reader, names);
  const groupOf = new Map(groups.flatMap(({ group, programs: members }) => members.map((program) => [program, group] as const)));
  const identifier = settings?.identifier ?? 'supervisor';
  const context = { make, names, childLogDir: settings?.childLogDir ?? '/tmp', identifier, globalEnv, serverUrl, cwd, configFile: sources.position(0).file };
  const programs: MadeProgram[] = [];
  for (const name of document.sections.keys()) {
    const kind = /^(program|eventlistener):(.*)$/.exec(name);
    if (!kind) continue;
    const section = reader(name)!;
    const programName = iniName(kind[2]!);
    if (!programName.ok) {
      section.error(section.offset, '', `${programName.expected}, got ${JSON.stringify(kind[2])}`);
      continue;
    }
    programs.push(...programsOfSection(section, programName.value, kind[1] === 'program' ? groupOf.get(programName.value) ?? null : null, context, kind[1] === 'eventlistener'));
  }
  const seen = new Map<string, MadeProgram>();
  for (const program of programs) {
    if (seen.has(program.name)) issues.addAt(program.at, `programs.${program.name}`, `two sections make a program named ${program.name}`);
    seen.set(program.name, program);
  }
  top.push(['programs', make.map(programs.map((program) => [program.name, program.node, program.at] as const), 0)]);

  for (const [name, section] of document.sections) {
    if (readers.some((made) => made.section === section) || quietSections.has(name)) continue;
    if (name === 'rpcinterface:supervisor') {
      const factory = section.values.get('supervisor.rpcinterface_factory');
      if (factory && factory.value.trim() !== defaultFactory) warnings.addAt(factory.valueStart, `[${name}] supervisor.rpcinterface_factory`, `only ${defaultFactory} is served; ignored`);
      continue;
    }
    const what = /^(rpcinterface|ctlplugin):/.test(name) ? 'plugins are not supported' : /^fcgi-program:/.test(name) ? 'FastCGI programs are not supported' : 'unknown section';
    warnings.addAt(section.offset, `[${name}]`, `${what}, ignored`);
  }
  for (const made of readers) made.warnUnknown();
  const root = make.map(top, 0);
  const fallbackSettings = { pidFile: `${cwd}/supervisord.pid`, identifier, nodaemon: false, minfds: 1024, minprocs: 200, umask: 0o022, user: null, directory: null, childLogDir: '/tmp', nocleanup: false, stripAnsi: false };
  return { root, supervisord: { ...(settings ?? fallbackSettings), unixServer: unixServer?.server ?? null, supervisorctl, groups: groups.map(({ group, programs: members }) => ({ name: group.name, programs: members, priority: group.priority?.value ?? 999 })) } };
}

/** `[group:x]` sections: each names the programs whose processes become `x:name`. */
function readGroups(document: IniDocument, reader: (name: string) => SectionReader | undefined, names: Map<string, string | number>): { group: SectionGroup; programs: string[] }[] {
  const groups: { group: SectionGroup; programs: string[] }[] = [];
  for (const sectionName of document.sections.keys()) {
    if (!sectionName.startsWith('group:')) continue;
    const section = reader(sectionName)!;
    const programs = section.text('programs', names);
    if (!programs) {
      section.error(section.offset, '', `section [${sectionName}] has no programs value`);
      continue;
    }
    const list = iniList(programs.value);
    for (const program of list) {
      if (!document.sections.has(`program:${program}`)) section.error(programs.at, 'programs', `[${sectionName}] names unknown program ${program}`);
    }
    const priority = section.typed('priority', names, iniInteger) ?? null;
    const name = iniName(sectionName.slice('group:'.length));
    if (!name.ok) {
      section.error(section.offset, '', `${name.expected}, got ${JSON.stringify(sectionName.slice('group:'.length))}`);
      continue;
    }
    groups.push({ group: { name: name.value, at: programs.at, priority }, programs: list });
  }
  return groups;
}
