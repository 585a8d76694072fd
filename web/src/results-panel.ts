import { html } from './html.js';
import type { ActionResult } from './types.js';

export interface Outcome {
  readonly id: number;
  readonly what: string;
  readonly results: readonly ActionResult[] | null;
  readonly error: string | null;
  readonly pending: boolean;
}

/** What each action did, newest first; read out to screen readers as it arrives. */
export function ResultsPanel({ outcomes, onDismiss }: { outcomes: readonly Outcome[]; onDismiss: (id: number) => void }) {
  return html`<section class="results" aria-label="Action results" aria-live="polite" data-results>
    ${outcomes.map((outcome) => {
      const failed = outcome.error !== null || (outcome.results ?? []).some((result) => !result.ok);
      return html`<div class=${`outcome ${outcome.pending ? 'pending' : failed ? 'failed' : 'ok'}`} data-outcome>
        <strong>${outcome.pending ? '… ' : failed ? '✖ ' : '✔ '}${outcome.what}</strong>
        ${outcome.error ? html`<p role="alert">${outcome.error}</p>` : null}
        ${outcome.results && outcome.results.length > 0
          ? html`<ul>${outcome.results.slice(0, 20).map((result) => html`<li class=${result.ok ? '' : 'error'}>${result.name}: ${result.message}</li>`)}${outcome.results.length > 20 ? html`<li>and ${outcome.results.length - 20} more</li>` : null}</ul>`
          : null}
        ${outcome.pending ? null : html`<button class="dismiss" onClick=${() => onDismiss(outcome.id)} aria-label="dismiss">×</button>`}
      </div>`;
    })}
  </section>`;
}
