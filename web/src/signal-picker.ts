import { useState } from 'preact/hooks';
import { html } from './html.js';

const signals = ['HUP', 'INT', 'QUIT', 'KILL', 'USR1', 'USR2', 'TERM', 'CONT', 'STOP', 'WINCH'];

/** A signal to send to what `target` names (a process, `group:*` or `all`). */
export function SignalPicker({ target, label, onSend }: { target: string; label: string; onSend: (signal: string, names: string[]) => void }) {
  const [signal, setSignal] = useState('HUP');
  return html`<span class="signal-picker">
    <label>Signal <select value=${signal} onChange=${(event: Event) => setSignal((event.target as HTMLSelectElement).value)} aria-label=${`signal to send to ${label}`}>
      ${signals.map((name) => html`<option value=${name}>SIG${name}</option>`)}
    </select></label>
    <button onClick=${() => onSend(signal, [target])} aria-label=${`send the signal to ${label}`}>Send</button>
  </span>`;
}
