import { useEffect, useRef, useState } from 'preact/hooks';
import { explain, reload, reread } from './api.js';
import { html } from './html.js';
import type { ReloadResult } from './types.js';

function DiffView({ result }: { result: ReloadResult }) {
  if (!result.ok) {
    return html`<div class="error" role="alert"><p>The config file has errors; applying it would change nothing:</p><ul>${result.errors.map((line) => html`<li><code>${line}</code></li>`)}</ul></div>`;
  }
  const diff = result.diff;
  if (diff === null) return html`<p>No difference.</p>`;
  const nothing = diff.added.length + diff.removed.length + diff.changed.length === 0;
  return html`<dl class="diff" data-diff>
    ${nothing ? html`<p>The config file is the same as the running one: nothing to apply.</p>` : null}
    ${diff.added.length ? html`<dt>Added (started when autostart)</dt><dd data-added>${diff.added.join(', ')}</dd>` : null}
    ${diff.removed.length ? html`<dt>Removed (stopped and dropped)</dt><dd data-removed>${diff.removed.join(', ')}</dd>` : null}
    ${diff.changed.length
      ? html`<dt>Changed</dt>${diff.changed.map((change) => html`<dd data-changed=${change.name}><strong>${change.name}</strong>: ${change.changedKeys.join(', ')} ${change.respawn ? '(restarted)' : '(updated in place)'}${change.numprocsBefore !== change.numprocsAfter ? `, numprocs ${change.numprocsBefore} → ${change.numprocsAfter}` : ''}</dd>`)}`
      : null}
    <dt>Unchanged</dt><dd>${diff.unchanged.length} programs</dd>
  </dl>`;
}

/** Reread first, show what would change, and apply only when asked. */
export function ReloadDialog({ onClose, onApplied }: { onClose: () => void; onApplied: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [preview, setPreview] = useState<ReloadResult | null>(null);
  const [applied, setApplied] = useState<ReloadResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);

  useEffect(() => {
    dialog.current?.showModal();
    reread().then(setPreview, (failure: unknown) => setError(explain(failure))).finally(() => setBusy(false));
  }, []);

  const apply = async () => {
    setBusy(true);
    try {
      const result = await reload();
      setApplied(result);
      if (result.applied) onApplied();
    } catch (failure) {
      setError(explain(failure));
    } finally {
      setBusy(false);
    }
  };
  const changes = preview?.diff ? preview.diff.added.length + preview.diff.removed.length + preview.diff.changed.length : 0;
  return html`<dialog ref=${dialog} class="reload" aria-labelledby="reload-title" onClose=${onClose}>
    <h2 id="reload-title">Reload the config file</h2>
    ${busy && !preview && !error ? html`<p role="status">Reading the config file…</p>` : null}
    ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    ${applied
      ? html`<div role="status" data-reload-result>${applied.applied ? html`<p class="ok">Applied.</p>` : html`<p class="error">Not applied.</p>`}<${DiffView} result=${applied} /></div>`
      : preview
        ? html`<div data-preview><h3>What would change</h3><${DiffView} result=${preview} /></div>`
        : null}
    <div class="buttons">
      ${applied ? null : html`<button class="primary" onClick=${apply} disabled=${busy || !preview?.ok || changes === 0}>Apply</button>`}
      <button onClick=${() => dialog.current?.close()}>${applied ? 'Close' : 'Cancel'}</button>
    </div>
  </dialog>`;
}
