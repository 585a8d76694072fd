import { useEffect, useRef, useState } from 'preact/hooks';
import { tailUrl } from './api.js';
import { html } from './html.js';

/** Lines kept on screen; older ones scroll away as in a terminal. */
const maxLines = 5000;

interface LogViewProps {
  /** A process name, or null for the supervisor's event log (maintail). */
  readonly name: string | null;
  readonly title: string;
}

/** `tail -f` in the page: the last lines, then new output as the API's follow stream sends it. */
export function LogView({ name, title }: LogViewProps) {
  const [stream, setStream] = useState<'stdout' | 'stderr'>('stdout');
  const [lines, setLines] = useState<string[]>([]);
  const [paused, setPaused] = useState(false);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('connecting');
  const [held, setHeld] = useState(0);
  const pending = useRef<string[]>([]);
  const pausedRef = useRef(false);
  const box = useRef<HTMLPreElement>(null);
  pausedRef.current = paused;

  useEffect(() => {
    const controller = new AbortController();
    setLines([]);
    pending.current = [];
    let partial = '';
    const flush = () => {
      if (pausedRef.current) setHeld(pending.current.length);
      if (pausedRef.current || pending.current.length === 0) return;
      const fresh = pending.current;
      pending.current = [];
      setLines((old) => old.concat(fresh).slice(-maxLines));
    };
    (async () => {
      try {
        const response = await fetch(tailUrl(name, stream, 200), { signal: controller.signal, credentials: 'same-origin' });
        if (!response.ok || response.body === null) {
          const reply = (await response.json().catch(() => ({}))) as { message?: string; code?: string };
          setStatus(`cannot follow: ${reply.message ?? response.statusText}${reply.code ? ` (${reply.code})` : ''}`);
          return;
        }
        setStatus('following');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parts = (partial + value).split('\n');
          partial = parts.pop() ?? '';
          pending.current.push(...parts);
          flush();
        }
        setStatus('ended: the supervisor closed the stream');
      } catch (error) {
        if (!controller.signal.aborted) setStatus(`lost: ${(error as Error).message}`);
      }
    })();
    return () => controller.abort();
  }, [name, stream]);

  useEffect(() => {
    if (!paused) {
      setHeld(0);
      const fresh = pending.current;
      pending.current = [];
      if (fresh.length > 0) setLines((old) => old.concat(fresh).slice(-maxLines));
    }
  }, [paused]);

  useEffect(() => {
    const element = box.current;
    if (element && !paused) element.scrollTop = element.scrollHeight;
  }, [lines, paused]);

  const needle = search.toLowerCase();
  const shown = needle === '' ? lines : lines.filter((line) => line.toLowerCase().includes(needle));
  return html`<section class="log-view" aria-label=${title}>
    <div class="toolbar">
      <h3>${title}</h3>
      ${name === null
        ? null
        : html`<label>Stream <select value=${stream} onChange=${(event: Event) => setStream((event.target as HTMLSelectElement).value as 'stdout' | 'stderr')}>
            <option value="stdout">stdout</option><option value="stderr">stderr</option>
          </select></label>`}
      <label>Search <input type="search" value=${search} onInput=${(event: Event) => setSearch((event.target as HTMLInputElement).value)} /></label>
      <button aria-pressed=${paused} onClick=${() => setPaused(!paused)}>${paused ? 'Resume' : 'Pause'}</button>
      <span class="muted" role="status" data-log-status>${status}${paused && held > 0 ? `, ${held} new lines held` : ''}${needle ? `, ${shown.length} of ${lines.length} lines match` : ''}</span>
    </div>
    <pre class="log" ref=${box} tabindex="0" aria-live="off" data-log>${shown.join('\n')}</pre>
  </section>`;
}
