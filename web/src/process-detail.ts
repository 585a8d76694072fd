import { useEffect, useState } from 'preact/hooks';
import { explain, history, samples, type ActionName } from './api.js';
import { EventBars, LineChart } from './charts.js';
import { formatBytes } from './format.js';
import { html } from './html.js';
import { LogView } from './log-view.js';
import { SignalPicker } from './signal-picker.js';
import { StateBadge } from './state-badge.js';
import type { ProcessInfo, ResourceSample } from './types.js';

interface DetailProps {
  readonly process: ProcessInfo;
  readonly seenSamples: readonly ResourceSample[];
  readonly nowMs: number;
  readonly onAction: (action: ActionName, names: readonly string[]) => void;
  readonly onSignal: (signal: string, names: string[]) => void;
  readonly onClose: () => void;
}

/** One process: its actions, its charts and its live log. */
export function ProcessDetail({ process, seenSamples, nowMs, onAction, onSignal, onClose }: DetailProps) {
  const [ring, setRing] = useState<ResourceSample[] | null>(null);
  const [starts, setStarts] = useState<number[]>([]);
  const [note, setNote] = useState('');
  useEffect(() => {
    // Fetched once when the panel opens; later points arrive with the events.
    samples(process.name).then(setRing, (error: unknown) => setNote(explain(error)));
    history(process.name).then((runs) => setStarts(runs.slice(1).map((run) => run.startedAt)), (error: unknown) => setNote(explain(error)));
  }, [process.name]);
  const points = [...(ring ?? []), ...seenSamples.filter((sample) => sample.at > (ring?.[ring.length - 1]?.at ?? 0))];
  const hasResources = points.length > 0;
  return html`<section class="detail" aria-labelledby="detail-title">
    <div class="summary">
    <header>
      <h2 id="detail-title">${process.name} <${StateBadge} state=${process.state} /></h2>
      <button onClick=${onClose} aria-label="close the details">Close</button>
    </header>
    <p>${process.description}${process.spawnError && !process.description.includes(process.spawnError) ? ` — ${process.spawnError}` : ''}</p>
    <div class="buttons">
      <button onClick=${() => onAction('start', [process.name])}>Start</button>
      <button onClick=${() => onAction('stop', [process.name])}>Stop</button>
      <button onClick=${() => onAction('restart', [process.name])}>Restart</button>
      <${SignalPicker} target=${process.name} label=${process.name} onSend=${onSignal} />
    </div>
    <div class="charts">
      ${hasResources
        ? html`<${LineChart} label="CPU" nowMs=${nowMs} points=${points.map((sample) => ({ at: sample.at, value: sample.cpuPercent }))} format=${(value: number) => `${value.toFixed(1)}%`} />
            <${LineChart} label="Memory" nowMs=${nowMs} points=${points.map((sample) => ({ at: sample.at, value: sample.rssBytes }))} format=${formatBytes} />`
        : html`<p class="muted">${ring === null ? 'This supervisor keeps no CPU and memory samples.' : 'No CPU and memory samples yet.'}</p>`}
      <${EventBars} label="Restarts" nowMs=${nowMs} times=${starts} />
    </div>
    ${note ? html`<p class="error">${note}</p>` : null}
    </div>
    <${LogView} key=${process.name} name=${process.name} title=${`Output of ${process.name}`} />
  </section>`;
}
