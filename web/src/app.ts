import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { explain, runAction, sendSignal, version, type ActionName } from './api.js';
import { EventBars, StateCounts } from './charts.js';
import { FleetStore } from './fleet-store.js';
import { html } from './html.js';
import { LogView } from './log-view.js';
import { ProcessDetail } from './process-detail.js';
import { ProcessTable } from './process-table.js';
import { ReloadDialog } from './reload-dialog.js';
import { ResultsPanel, type Outcome } from './results-panel.js';
import { SignalPicker } from './signal-picker.js';
import { matches, readFilter, writeFilter, type Filter } from './url-filter.js';
import { processStates, type ActionResult, type ProcessInfo, type ProcessState } from './types.js';

const store = new FleetStore();
const restartsOf = (process: ProcessInfo) => store.restartsOf(process);
const lastExitOf = (process: ProcessInfo) => store.lastExitOf(process);
let nextOutcomeId = 1;

function useStore(): number {
  const [revision, setRevision] = useState(0);
  useEffect(() => store.subscribe(() => setRevision((value) => value + 1)), []);
  return revision;
}

/** The charts' clock: they cover an hour, so their bars move on once a minute (uptimes count in LiveCell). */
function useMinute(): number {
  const [minute, setMinute] = useState(Math.floor(Date.now() / 60_000));
  useEffect(() => {
    const timer = window.setInterval(() => setMinute(Math.floor(Date.now() / 60_000)), 10_000);
    return () => window.clearInterval(timer);
  }, []);
  return minute;
}

function ConnectionBadge() {
  const text = { connecting: 'Connecting…', live: 'Live', lost: 'Connection lost — reconnecting…' }[store.connection];
  return html`<span class=${`connection connection-${store.connection}`} role="status" data-connection=${store.connection}><span aria-hidden="true">${store.connection === 'live' ? '●' : store.connection === 'lost' ? '⚠' : '◌'}</span> ${text}</span>`;
}

function App() {
  useStore();
  useMinute();
  const nowMs = Date.now();
  const [filter, setFilterState] = useState<Filter>(readFilter);
  // The URL changes with the filter at once, so a reload right after typing keeps it.
  const setFilter = (next: Filter) => {
    writeFilter(next);
    setFilterState(next);
  };
  const [folded, setFolded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const [reloading, setReloading] = useState(false);
  const [eventLog, setEventLog] = useState(false);
  const [supervisorVersion, setVersion] = useState('');
  useEffect(() => void version().then(setVersion, () => undefined), []);

  const track = useCallback(async (what: string, work: () => Promise<ActionResult[]>) => {
    const id = nextOutcomeId++;
    setOutcomes((old) => [{ id, what, results: null, error: null, pending: true }, ...old].slice(0, 5));
    let done: Outcome;
    try {
      done = { id, what, results: await work(), error: null, pending: false };
    } catch (error) {
      done = { id, what, results: null, error: explain(error), pending: false };
    }
    setOutcomes((old) => old.map((outcome) => (outcome.id === id ? done : outcome)));
  }, []);
  const onAction = useCallback((action: ActionName, names: readonly string[]) => void track(`${action} ${names.join(', ')}`, () => runAction(action, names)), [track]);
  const onSignal = useCallback((signal: string, names: string[]) => void track(`signal SIG${signal} to ${names.join(', ')}`, () => sendSignal(signal, names)), [track]);
  const onToggleGroup = useCallback((group: string) => setFolded((old) => {
    const next = new Set(old);
    if (next.has(group)) next.delete(group);
    else next.add(group);
    return next;
  }), []);

  const all = [...store.processes.values()];
  const counts = new Map<ProcessState, number>();
  for (const process of all) counts.set(process.state, (counts.get(process.state) ?? 0) + 1);
  const shown = all.filter((process) => matches(filter, process.name, process.state));
  const detail = selected === null ? undefined : store.processes.get(selected);

  return html`<div class="layout">
    <header class="top">
      <h1>Taskmaster <span class="muted">${supervisorVersion}</span></h1>
      <${ConnectionBadge} />
      <div class="buttons" role="group" aria-label="every process">
        <button onClick=${() => onAction('start', ['all'])}>Start all</button>
        <button onClick=${() => onAction('stop', ['all'])}>Stop all</button>
        <button onClick=${() => onAction('restart', ['all'])}>Restart all</button>
        <${SignalPicker} target="all" label="every process" onSend=${onSignal} />
        <button onClick=${() => setReloading(true)}>Reload config…</button>
        <button aria-pressed=${eventLog} onClick=${() => setEventLog(!eventLog)}>Event log</button>
      </div>
    </header>
    <section class="overview" aria-label="Charts">
      <${StateCounts} counts=${counts} />
      <${EventBars} label="Restarts seen" nowMs=${nowMs} times=${store.restartTimes} />
    </section>
    <form class="filters" role="search" onSubmit=${(event: Event) => event.preventDefault()}>
      <label>Filter by name <input type="search" name="q" value=${filter.text} onInput=${(event: Event) => setFilter({ ...filter, text: (event.target as HTMLInputElement).value })} /></label>
      <label>State <select name="state" value=${filter.state} onChange=${(event: Event) => setFilter({ ...filter, state: (event.target as HTMLSelectElement).value as ProcessState | '' })}>
        <option value="">any</option>
        ${processStates.map((state) => html`<option value=${state}>${state}</option>`)}
      </select></label>
      <span class="muted" data-shown>${shown.length} of ${all.length} shown</span>
    </form>
    <${ResultsPanel} outcomes=${outcomes} onDismiss=${(id: number) => setOutcomes((old) => old.filter((outcome) => outcome.id !== id))} />
    ${eventLog ? html`<${LogView} name=${null} title="Event log" />` : null}
    ${detail ? html`<${ProcessDetail} process=${detail} seenSamples=${store.seenSamples.get(detail.name) ?? []} nowMs=${nowMs} onAction=${onAction} onSignal=${onSignal} onClose=${() => setSelected(null)} />` : null}
    <main>
      <div class="table-wrap"><${ProcessTable} processes=${shown} restartsOf=${restartsOf} lastExitOf=${lastExitOf} selected=${selected} folded=${folded} onToggleGroup=${onToggleGroup} onAction=${onAction} onSignal=${onSignal} onSelect=${setSelected} /></div>
    </main>
    ${all.some((process) => !store.restartsOf(process).exact) ? html`<p class="muted">* restarts seen while this page is open (this supervisor does not count them).</p>` : null}
    ${reloading ? html`<${ReloadDialog} onClose=${() => setReloading(false)} onApplied=${() => store.reconnect()} />` : null}
  </div>`;
}

store.connect();
// Tests and the latency figure read this: when the last event was applied (performance.now()).
(window as unknown as { taskmaster: FleetStore }).taskmaster = store;
const root = document.getElementById('app')!;
// The "needs JavaScript" notice goes; Preact adds to what is there rather than replacing it.
root.textContent = '';
render(html`<${App} />`, root);
