import { html } from './html.js';
import { stateIcons } from './state-badge.js';
import { processStates, type ProcessState } from './types.js';

const hourMs = 60 * 60 * 1000;

/** The fleet at a glance: one stacked bar, with each count also written out. */
export function StateCounts({ counts }: { counts: Map<ProcessState, number> }) {
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
  let offset = 0;
  const shown = processStates.filter((state) => (counts.get(state) ?? 0) > 0);
  return html`<figure class="chart" aria-labelledby="fleet-caption">
    <figcaption id="fleet-caption">Fleet: ${total} processes</figcaption>
    <svg viewBox="0 0 100 6" preserveAspectRatio="none" class="stack" role="img" aria-label=${shown.map((state) => `${counts.get(state)} ${state}`).join(', ') || 'no processes'}>
      ${shown.map((state) => {
        const width = (100 * (counts.get(state) ?? 0)) / total;
        const bar = html`<rect x=${offset} y="0" width=${width} height="6" class=${`fill-${state}`} />`;
        offset += width;
        return bar;
      })}
    </svg>
    <ul class="legend">
      ${shown.map((state) => html`<li><span class=${`swatch fill-${state}`} aria-hidden="true">${stateIcons[state]}</span> ${state} <strong data-count=${state}>${counts.get(state)}</strong></li>`)}
    </ul>
  </figure>`;
}

/** Events per 5-minute bucket over the last hour, as bars. */
export function EventBars({ times, nowMs, label }: { times: readonly number[]; nowMs: number; label: string }) {
  const buckets = new Array<number>(12).fill(0);
  for (const time of times) {
    const age = nowMs - time;
    if (age < 0 || age >= hourMs) continue;
    const index = 11 - Math.floor(age / (5 * 60 * 1000));
    buckets[index] = (buckets[index] ?? 0) + 1;
  }
  const highest = Math.max(1, ...buckets);
  const total = buckets.reduce((sum, count) => sum + count, 0);
  return html`<figure class="chart">
    <figcaption>${label}: ${total} in the last hour</figcaption>
    <svg viewBox="0 0 120 30" class="bars" role="img" aria-label=${`${label} per 5 minutes, oldest first: ${buckets.join(', ')}`}>
      ${buckets.map((count, index) => html`<rect x=${index * 10 + 1} y=${30 - (28 * count) / highest} width="8" height=${(28 * count) / highest} class="fill-accent"><title>${count}</title></rect>`)}
      <line x1="0" y1="29.5" x2="120" y2="29.5" class="axis" />
    </svg>
    <div class="axis-labels"><span>-60 min</span><span>now</span></div>
  </figure>`;
}

/** One series over the last hour as a line, with its latest value written out. */
export function LineChart({ points, nowMs, label, format }: { points: readonly { at: number; value: number }[]; nowMs: number; label: string; format: (value: number) => string }) {
  const recent = points.filter((point) => point.at >= nowMs - hourMs);
  if (recent.length === 0) return html`<figure class="chart"><figcaption>${label}: no samples yet</figcaption></figure>`;
  const highest = Math.max(...recent.map((point) => point.value), 1e-9);
  const path = recent.map((point) => `${(120 * (point.at - (nowMs - hourMs))) / hourMs},${29 - (27 * point.value) / highest}`).join(' ');
  const latest = recent[recent.length - 1]!.value;
  return html`<figure class="chart">
    <figcaption>${label}: ${format(latest)} now, peak ${format(highest)}</figcaption>
    <svg viewBox="0 0 120 30" class="line" role="img" aria-label=${`${label} over the last hour, now ${format(latest)}, peak ${format(highest)}`}>
      <polyline points=${path} class="stroke-accent" fill="none" />
      <line x1="0" y1="29.5" x2="120" y2="29.5" class="axis" />
    </svg>
    <div class="axis-labels"><span>-60 min</span><span>now</span></div>
  </figure>`;
}
