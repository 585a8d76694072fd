import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { ConfigError } from './config-error.js';
import { bad, describe, IssueList, ok, parseBoolean, parseDuration, parseSize, parseWholeNumber, scalarOf, type Parsed } from './yaml-values.js';
import { checkDependencies } from './check-dependencies.js';
import { checkTotals } from './check-totals.js';
import { defaultSocketPath } from './default-socket.js';
import { didYouMean } from './did-you-mean.js';
import { configLimits } from './limits.js';
import { featureKeys, noFeatures, parseFeatures } from './parse-features.js';
import { findDuplicateKeys } from './unique-keys.js';
import { parseHttpListen } from './parse-http.js';
import { splitShellWords } from './shell-words.js';
import { parseSignal } from './signals.js';
import type { AutoRestart, OutputTarget, ProgramConfig, SupervisorConfig } from './types.js';

export interface ConfigOverrides {
  readonly logFile?: string | undefined;
  readonly socket?: string | undefined;
}

const topLevelKeys = ['programs', 'logfile', 'logdir', 'socket', 'watch_config', 'logfile_maxbytes', 'logfile_backups', 'logfile_mode', 'log_format', 'log_level', 'http'] as const;

const programKeys = [
  'cmd', 'numprocs', 'umask', 'workingdir', 'autostart', 'autorestart', 'exitcodes',
  'startretries', 'starttime', 'stopsignal', 'stoptime', 'stdout', 'stderr', 'redirect_stderr',
  'env', 'user', 'priority', 'stopasgroup', 'killasgroup',
  'stdout_maxbytes', 'stdout_backups', 'stderr_maxbytes', 'stderr_backups', 'log_timestamps',
  'logfile_mode',
  ...featureKeys,
] as const;
type ProgramKey = (typeof programKeys)[number];

/** supervisord's names for our keys, so its users' habits work. */
const programAliases: Readonly<Record<string, ProgramKey>> = {
  command: 'cmd',
  directory: 'workingdir',
  startsecs: 'starttime',
  stopwaitsecs: 'stoptime',
  environment: 'env',
  stdout_logfile: 'stdout',
  stderr_logfile: 'stderr',
  stdout_logfile_maxbytes: 'stdout_maxbytes',
  stdout_logfile_backups: 'stdout_backups',
  stderr_logfile_maxbytes: 'stderr_maxbytes',
  stderr_logfile_backups: 'stderr_backups',
};

const defaultMaxBytes = 50 * 1024 * 1024;
const defaultBackups = 10;
/** Output files and the event log are private to their owner unless the config says otherwise. */
const defaultLogFileMode = 0o600;

const programNamePattern = /^[A-Za-z0-9_.-]+$/;

/** Reads the digits as written, so `022` is octal 022 whether YAML saw 22 or 18. */
function readOctal(node: Node, source: string): number | null {
  const [start, end] = node.range ?? [0, 0];
  const written = source.slice(start, end).trim().replace(/^["']|["']$/g, '');
  const match = /^(?:0o)?([0-7]{1,4})$/.exec(written);
  return match ? parseInt(match[1]!, 8) : null;
}

function parseUmask(node: Node, source: string): Parsed<number> {
  const umask = readOctal(node, source);
  return umask === null ? bad('expected an octal umask such as 022 or 077') : ok(umask);
}

/** Permission bits of a log file: the owner (taskmaster) must be able to write it. */
function parseFileMode(node: Node, source: string): Parsed<number> {
  const mode = readOctal(node, source);
  if (mode === null || mode > 0o777 || (mode & 0o200) === 0) return bad('expected an octal file mode that lets its owner write, such as 0600 or 0640');
  return ok(mode);
}

function parseAutorestart(value: unknown): Parsed<AutoRestart> {
  if (value === true) return ok('always');
  if (value === false) return ok('never');
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'always' || lower === 'true') return ok('always');
    if (lower === 'never' || lower === 'false') return ok('never');
    if (lower === 'unexpected') return ok('unexpected');
  }
  return bad('expected always, never, unexpected, true or false');
}

function parseExitCodes(node: Node): Parsed<number[]> {
  const items = isSeq(node) ? node.items : [node];
  const codes: number[] = [];
  for (const item of items) {
    const value = scalarOf(item as Node);
    const codeList = typeof value === 'string' ? value.split(',') : [value];
    for (const code of codeList) {
      const parsed = parseWholeNumber(code, 0);
      if (!parsed.ok || parsed.value > 255) return bad('expected an exit code 0-255 or a list of them');
      codes.push(parsed.value);
    }
  }
  return ok(codes);
}

function parseOutput(value: unknown, baseDir: string): Parsed<OutputTarget> {
  if (value === null || value === false) return ok({ kind: 'discard' });
  if (typeof value !== 'string' || value.trim() === '') {
    return bad('expected a file path, discard, auto or inherit');
  }
  const lower = value.toLowerCase();
  if (lower === 'discard' || lower === 'none' || lower === '/dev/null') return ok({ kind: 'discard' });
  if (lower === 'auto') return ok({ kind: 'auto' });
  if (lower === 'inherit') return ok({ kind: 'inherit' });
  return ok({ kind: 'file', path: resolve(baseDir, value) });
}

function parseEnv(node: Node, source: string, issues: IssueList, keyPath: string): Record<string, string> {
  const env: Record<string, string> = {};
  const value = scalarOf(node);
  // supervisord writes environment as KEY="value",KEY2=value2.
  if (typeof value === 'string') {
    for (const part of value.split(',').filter((item) => item.trim() !== '')) {
      const equals = part.indexOf('=');
      if (equals <= 0) {
        issues.add(node, keyPath, `expected KEY=value pairs, got ${part.trim()}`);
        continue;
      }
      env[part.slice(0, equals).trim()] = part.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1');
    }
    return env;
  }
  if (!isMap(node)) {
    issues.add(node, keyPath, `expected a mapping of variable names to values, got ${describe(node, source)}`);
    return env;
  }
  for (const pair of node.items) {
    const name = String(scalarOf(pair.key as Node));
    const item = pair.value as Node | null;
    const itemValue = scalarOf(item);
    if (item === null || (isScalar(item) && itemValue === null)) {
      env[name] = '';
    } else if (isScalar(item)) {
      env[name] = String(itemValue);
    } else {
      issues.add(item, `${keyPath}.${name}`, `expected a single value, got ${describe(item, source)}`);
    }
  }
  return env;
}

interface ProgramContext {
  readonly issues: IssueList;
  readonly source: string;
  readonly baseDir: string;
}

const programDefaults: Omit<ProgramConfig, 'name' | 'cmd' | 'argv'> = {
  ...noFeatures,
  numprocs: 1,
  umask: null,
  workingDir: null,
  autostart: true,
  autorestart: 'unexpected',
  exitCodes: [0],
  startRetries: 3,
  startTimeMs: 1000,
  stopSignal: 'SIGTERM',
  stopTimeMs: 10_000,
  stdout: { kind: 'auto' },
  stderr: { kind: 'auto' },
  redirectStderr: false,
  stdoutMaxBytes: defaultMaxBytes,
  stdoutBackups: defaultBackups,
  stderrMaxBytes: defaultMaxBytes,
  stderrBackups: defaultBackups,
  logTimestamps: false,
  logFileMode: defaultLogFileMode,
  env: {},
  user: null,
  priority: 999,
  stopAsGroup: true,
  killAsGroup: true,
};

function parseProgram(name: string, keyNode: Node, node: Node | null, context: ProgramContext): ProgramConfig | undefined {
  const { issues, source, baseDir } = context;
  const programPath = `programs.${name}`;
  if (!programNamePattern.test(name)) {
    issues.add(keyNode, programPath, 'program names may only use letters, digits, _, . and -');
  }
  if (!isMap(node)) {
    issues.add(node, programPath, `expected a mapping of program settings, got ${describe(node, source)}`);
    return undefined;
  }
  const fields = new Map<ProgramKey, { node: Node; keyPath: string }>();
  for (const pair of (node as YAMLMap).items) {
    const fieldKey = pair.key as Node;
    const written = String(scalarOf(fieldKey));
    const key = programAliases[written] ?? programKeys.find((known) => known === written);
    const keyPath = `${programPath}.${written}`;
    if (!key) {
      const hint = didYouMean(written, [...programKeys, ...Object.keys(programAliases)]);
      issues.add(fieldKey, keyPath, `unknown key${hint ? ` (did you mean ${hint}?)` : ''}`);
      continue;
    }
    const earlier = fields.get(key);
    // The same spelling twice is already reported as a duplicate key.
    if (earlier?.keyPath === keyPath) continue;
    if (earlier) {
      issues.add(fieldKey, keyPath, `${key} is set twice (${written} is another name for it)`);
      continue;
    }
    const valueNode = (pair.value as Node | null) ?? fieldKey;
    fields.set(key, { node: valueNode, keyPath });
  }

  const program: { -readonly [K in keyof ProgramConfig]: ProgramConfig[K] } = {
    ...programDefaults,
    name,
    cmd: '',
    argv: [],
  };
  const take = <T>(key: ProgramKey, parse: (node: Node) => Parsed<T>, apply: (value: T) => void): void => {
    const field = fields.get(key);
    if (!field) return;
    const parsed = parse(field.node);
    if (parsed.ok) apply(parsed.value);
    else issues.add(field.node, field.keyPath, `${parsed.expected}, got ${describe(field.node, source)}`);
  };

  const cmdField = fields.get('cmd');
  if (!cmdField) {
    issues.add(keyNode, programPath, 'cmd is required (the command to run)');
  } else {
    const cmd = scalarOf(cmdField.node);
    if (typeof cmd !== 'string' || cmd.trim() === '') {
      issues.add(cmdField.node, cmdField.keyPath, `expected a command line, got ${describe(cmdField.node, source)}`);
    } else {
      try {
        program.cmd = cmd;
        program.argv = splitShellWords(cmd);
        if (program.argv.length === 0) issues.add(cmdField.node, cmdField.keyPath, 'expected a command line, got an empty one');
      } catch (error) {
        issues.add(cmdField.node, cmdField.keyPath, (error as Error).message);
      }
    }
  }

  const value = (parse: (value: unknown) => Parsed<unknown>) => (field: Node) => parse(scalarOf(field));
  take('numprocs', value((raw) => parseWholeNumber(raw, 1, configLimits.maxNumprocs)), (v) => (program.numprocs = v as number));
  take('umask', (field) => parseUmask(field, source), (v) => (program.umask = v));
  take('workingdir', value((raw) => (typeof raw === 'string' && raw !== '' ? ok(resolve(baseDir, raw)) : bad('expected a folder path'))), (v) => (program.workingDir = v as string));
  take('autostart', value(parseBoolean), (v) => (program.autostart = v as boolean));
  take('autorestart', value(parseAutorestart), (v) => (program.autorestart = v as AutoRestart));
  take('exitcodes', parseExitCodes, (v) => (program.exitCodes = v));
  take('startretries', value((raw) => parseWholeNumber(raw, 0, configLimits.maxRetries)), (v) => (program.startRetries = v as number));
  take('starttime', value(parseDuration), (v) => (program.startTimeMs = v as number));
  take('stopsignal', value((raw) => { const signal = parseSignal(raw); return signal ? ok(signal) : bad('expected a signal such as TERM, SIGUSR1 or 15'); }), (v) => (program.stopSignal = v as NodeJS.Signals));
  take('stoptime', value(parseDuration), (v) => (program.stopTimeMs = v as number));
  take('stdout', value((raw) => parseOutput(raw, baseDir)), (v) => (program.stdout = v as OutputTarget));
  take('stderr', value((raw) => parseOutput(raw, baseDir)), (v) => (program.stderr = v as OutputTarget));
  take('redirect_stderr', value(parseBoolean), (v) => (program.redirectStderr = v as boolean));
  take('stdout_maxbytes', value(parseSize), (v) => (program.stdoutMaxBytes = v as number));
  take('stderr_maxbytes', value(parseSize), (v) => (program.stderrMaxBytes = v as number));
  take('stdout_backups', value((raw) => parseWholeNumber(raw, 0, configLimits.maxBackups)), (v) => (program.stdoutBackups = v as number));
  take('stderr_backups', value((raw) => parseWholeNumber(raw, 0, configLimits.maxBackups)), (v) => (program.stderrBackups = v as number));
  take('log_timestamps', value(parseBoolean), (v) => (program.logTimestamps = v as boolean));
  take('logfile_mode', (field) => parseFileMode(field, source), (v) => (program.logFileMode = v));
  take('priority', value((raw) => parseWholeNumber(raw, -configLimits.maxPriority, configLimits.maxPriority)), (v) => (program.priority = v as number));
  take('stopasgroup', value(parseBoolean), (v) => (program.stopAsGroup = v as boolean));
  take('killasgroup', value(parseBoolean), (v) => (program.killAsGroup = v as boolean));
  take('user', value((raw) => (typeof raw === 'string' || typeof raw === 'number') && String(raw) !== '' ? ok(String(raw)) : bad('expected a user name or uid')), (v) => (program.user = v as string));
  Object.assign(program, parseFeatures(fields, { issues, source, baseDir }));
  // A scheduled job runs at its ticks instead of being kept alive, and a quick job is a success.
  if (program.schedule !== null) {
    if (!fields.has('autorestart')) program.autorestart = 'never';
    if (!fields.has('starttime')) program.startTimeMs = 0;
    if (!fields.has('autostart')) program.autostart = false;
  }
  const envField = fields.get('env');
  if (envField) program.env = parseEnv(envField.node, source, issues, envField.keyPath);

  const userField = fields.get('user');
  if (userField && program.user !== null && process.getuid?.() !== 0) {
    const me = userInfo();
    if (program.user !== me.username && program.user !== String(me.uid)) {
      issues.add(userField.node, userField.keyPath, `switching to user ${program.user} needs taskmaster to run as root (it runs as ${me.username})`);
    }
  }
  if (program.redirectStderr) program.stderr = { kind: 'discard' };
  return Object.freeze({ ...program, argv: Object.freeze([...program.argv]), exitCodes: Object.freeze([...program.exitCodes]), env: Object.freeze({ ...program.env }) });
}



/** Parses config text into a frozen config, or throws one ConfigError naming every problem. */
export function parseConfig(text: string, file: string, overrides: ConfigOverrides = {}): SupervisorConfig {
  const absoluteFile = resolve(file);
  const baseDir = dirname(absoluteFile);
  const lineCounter = new LineCounter();
  const issues = new IssueList(file, lineCounter);
  // The library's own unique-key check is quadratic; findDuplicateKeys does the same job in one pass.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  for (const error of document.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    issues.issues.push({ file, line, column: col, keyPath: '', message: error.message.split('\n')[0] ?? error.message });
  }
  if (issues.issues.length > 0) throw new ConfigError(issues.issues);

  const root = document.contents as Node | null;
  for (const duplicate of findDuplicateKeys(root, text)) {
    const first = lineCounter.linePos(duplicate.first.range?.[0] ?? 0);
    issues.add(duplicate.node, duplicate.keyPath, `set twice (first at line ${first.line}, column ${first.col}): keys must be unique`);
  }
  const programs = new Map<string, ProgramConfig>();
  const settings: Record<string, Node> = {};
  if (!isMap(root)) {
    issues.add(root, '', `expected a mapping with a programs key, got ${describe(root, text)}`);
    throw new ConfigError(issues.issues);
  }
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = String(scalarOf(keyNode));
    if (!(topLevelKeys as readonly string[]).includes(key)) {
      const hint = didYouMean(key, topLevelKeys);
      issues.add(keyNode, key, `unknown key${hint ? ` (did you mean ${hint}?)` : ''}`);
      continue;
    }
    settings[key] = (pair.value as Node | null) ?? keyNode;
  }

  const programsNode = settings['programs'];
  if (programsNode && isMap(programsNode)) {
    for (const pair of programsNode.items) {
      const name = String(scalarOf(pair.key as Node));
      const program = parseProgram(name, pair.key as Node, (pair.value as Node | null) ?? (pair.key as Node), { issues, source: text, baseDir });
      if (program) programs.set(name, program);
    }
  } else if (programsNode && scalarOf(programsNode) !== null) {
    issues.add(programsNode, 'programs', `expected a mapping of program names to settings, got ${describe(programsNode, text)}`);
  }
  for (const problem of checkTotals(programs)) issues.add(programsNode, 'programs', problem);

  const programPairs = new Map(isMap(programsNode) ? programsNode.items.map((pair) => [String(scalarOf(pair.key as Node)), pair] as const) : []);
  for (const problem of checkDependencies(programs)) {
    const programPair = programPairs.get(problem.program);
    const programNode = programPair?.value as Node | undefined;
    const dependsPair = isMap(programNode) ? programNode.items.find((pair) => String(scalarOf(pair.key as Node)) === 'depends_on') : undefined;
    issues.add((dependsPair?.key as Node | undefined) ?? (programPair?.key as Node | undefined), `programs.${problem.program}.depends_on`, problem.message);
  }

  const pathSetting = (key: string): string | undefined => {
    const node = settings[key];
    if (!node) return undefined;
    const value = scalarOf(node);
    if (typeof value === 'string' && value !== '') return resolve(baseDir, value.replace(/^~(?=\/|$)/, homedir()));
    issues.add(node, key, `expected a file path, got ${describe(node, text)}`);
    return undefined;
  };
  const logFile = overrides.logFile ? resolve(overrides.logFile) : (pathSetting('logfile') ?? join(baseDir, 'taskmaster.log'));
  const logDir = pathSetting('logdir') ?? join(dirname(logFile), 'logs');
  const socket = overrides.socket ? resolve(overrides.socket) : (pathSetting('socket') ?? defaultSocketPath());
  const setting = <T>(key: string, parse: (value: unknown) => Parsed<T>, fallback: T): T => {
    const node = settings[key];
    if (!node) return fallback;
    const parsed = parse(scalarOf(node));
    if (parsed.ok) return parsed.value;
    issues.add(node, key, `${parsed.expected}, got ${describe(node, text)}`);
    return fallback;
  };
  const oneOf = <T extends string>(choices: readonly T[]) => (value: unknown): Parsed<T> =>
    choices.includes(value as T) ? ok(value as T) : bad(`expected ${choices.join(', ')}`);
  const watchConfig = setting('watch_config', parseBoolean, false);
  const logFileMaxBytes = setting('logfile_maxbytes', parseSize, defaultMaxBytes);
  const logFileBackups = setting('logfile_backups', (raw) => parseWholeNumber(raw, 0, configLimits.maxBackups), defaultBackups);
  const logFileModeNode = settings['logfile_mode'];
  const logFileModeParsed = logFileModeNode ? parseFileMode(logFileModeNode, text) : ok(defaultLogFileMode);
  if (!logFileModeParsed.ok && logFileModeNode) issues.add(logFileModeNode, 'logfile_mode', `${logFileModeParsed.expected}, got ${describe(logFileModeNode, text)}`);
  const logFileMode = logFileModeParsed.ok ? logFileModeParsed.value : defaultLogFileMode;
  const logFormat = setting('log_format', oneOf(['text', 'json'] as const), 'text');
  const logLevel = setting('log_level', oneOf(['debug', 'info', 'warn', 'error'] as const), 'info');
  const http = settings['http'] ? parseHttpListen(settings['http'], issues, text) : null;

  if (issues.issues.length > 0) throw new ConfigError(issues.sorted());
  if (!isAbsolute(socket)) throw new Error('socket path must be absolute');
  return Object.freeze({ file: absoluteFile, logFile, logDir, socket, watchConfig, logFileMaxBytes, logFileBackups, logFileMode, logFormat, logLevel, http, programs });
}
