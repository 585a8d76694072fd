import type { SupervisorApi as ControlApi, OutputStreamName, WatchedEvent } from '../../contracts/supervisor-api.js';
import { parseKeys } from './top-keys.js';
import { applyEvent, applyKey, initialModel, type TopAction, type TopModel } from './top-model.js';
import { renderTop, type LogPane } from './top-render.js';
import { openFullScreen } from './top-screen.js';

/** A burst of events (a thousand processes starting) is drawn once. */
const redrawDelayMs = 50;
const keptLogLines = 2000;

export interface TopOptions {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
  readonly colour: boolean;
}

/** `taskmasterctl top`: draws on each event and key (the sampler's pass is the slow tick); returns why it ended early, or null when the user quit. */
export async function runTop(api: ControlApi, options: TopOptions): Promise<string | null> {
  const screen = openFullScreen(options.input, options.output);
  const stopped = new AbortController();
  let model: TopModel = initialModel(Math.max(1, screen.size().rows - 4));
  let log: { name: string; stream: OutputStreamName; lines: string[]; partial: string; controller: AbortController } | null = null;
  let redrawTimer: NodeJS.Timeout | null = null;
  let failure: string | null = null;

  const draw = (): void => {
    redrawTimer = null;
    const pane: LogPane | null = log === null ? null : { title: `${log.name} ${log.stream} (following)`, lines: log.partial === '' ? log.lines : [...log.lines, log.partial] };
    screen.write(renderTop(model, screen.size(), options.colour, pane));
  };
  const redraw = (): void => {
    redrawTimer ??= setTimeout(draw, redrawDelayMs);
  };

  const closeLog = (): void => {
    log?.controller.abort();
    log = null;
  };
  const openLog = (name: string, stream: OutputStreamName): void => {
    closeLog();
    const opened = { name, stream, lines: [] as string[], partial: '', controller: new AbortController() };
    log = opened;
    const add = (text: string): void => {
      const parts = (opened.partial + text).split('\n');
      opened.partial = parts.pop() ?? '';
      opened.lines.push(...parts);
      if (opened.lines.length > keptLogLines) opened.lines.splice(0, opened.lines.length - keptLogLines);
      redraw();
    };
    const source = { kind: 'process', name, stream } as const;
    api
      .tail(source, screen.size().rows)
      .then((text) => {
        add(text);
        return api.follow(source, add, opened.controller.signal);
      })
      .catch((error: unknown) => add(`(${(error as Error).message})\n`));
  };

  const act = (action: TopAction): void => {
    switch (action.kind) {
      case 'quit':
        stopped.abort();
        return;
      case 'openLog':
        openLog(action.name, 'stdout');
        return;
      case 'closeLog':
        closeLog();
        return;
      case 'switchLogStream':
        if (log !== null) openLog(log.name, log.stream === 'stdout' ? 'stderr' : 'stdout');
        return;
      case 'start':
      case 'stop':
      case 'restart':
        api[action.kind]([action.name]).then(
          (results) => (model = { ...model, message: results.map((result) => `${action.kind} ${result.name}: ${result.ok ? result.message : `ERROR (${result.message})`}`).join('; ') }),
          (error: unknown) => (model = { ...model, message: `${action.kind} ${action.name}: ERROR (${(error as Error).message})` }),
        ).finally(redraw);
    }
  };

  const onKeys = (chunk: string): void => {
    for (const key of parseKeys(chunk)) {
      const result = applyKey(model, key);
      model = result.model;
      if (result.action) act(result.action);
    }
    redraw();
  };
  const onResize = (): void => {
    model = { ...model, pageRows: Math.max(1, screen.size().rows - 4) };
    redraw();
  };
  const onSignal = (): void => stopped.abort();

  options.input.on('data', onKeys);
  options.output.on('resize', onResize);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    const watching = api
      .watchEvents((event: WatchedEvent) => {
        model = applyEvent(model, event);
        redraw();
      }, stopped.signal, { resources: true })
      .then(
        () => {
          if (!stopped.signal.aborted) failure = 'the supervisor closed the event stream';
        },
        (error: unknown) => {
          failure = `lost the supervisor (${(error as Error).message})`;
        },
      )
      .finally(() => stopped.abort());
    await new Promise<void>((resolve) => stopped.signal.addEventListener('abort', () => resolve(), { once: true }));
    await watching;
  } finally {
    closeLog();
    if (redrawTimer) clearTimeout(redrawTimer);
    options.input.off('data', onKeys);
    options.output.off('resize', onResize);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    screen.restore();
  }
  return failure;
}
