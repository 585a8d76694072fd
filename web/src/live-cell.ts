import { Component } from 'preact';
import { html } from './html.js';

/** Cells that change with the clock (uptime, time to the next run), shown only if on screen. */
const mounted = new Set<LiveCell>();
const onScreen = new WeakSet<Element>();
let observer: IntersectionObserver | null = null;
let timer: number | undefined;

function watchScreen(): IntersectionObserver {
  observer ??= new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) onScreen.add(entry.target);
      else onScreen.delete(entry.target);
    }
  });
  return observer;
}

function tick(): void {
  for (const cell of mounted) if (cell.element !== null && onScreen.has(cell.element)) cell.setState({});
}

interface LiveCellProps {
  readonly col: string;
  readonly className?: string;
  readonly text: (nowMs: number) => string;
}

/**
 * A table cell that counts on its own each second: a tick re-renders these few text cells,
 * never the rows, and none that is scrolled out of view (1000 rows stay cheap).
 */
export class LiveCell extends Component<LiveCellProps> {
  element: Element | null = null;
  private readonly keep = (element: Element | null): void => {
    this.element = element;
  };

  override componentDidMount(): void {
    mounted.add(this);
    if (this.element !== null) watchScreen().observe(this.element);
    timer ??= window.setInterval(tick, 1000);
  }

  override componentWillUnmount(): void {
    mounted.delete(this);
    if (this.element !== null) watchScreen().unobserve(this.element);
    if (mounted.size === 0) {
      window.clearInterval(timer);
      timer = undefined;
    }
  }

  override render({ col, className, text }: LiveCellProps) {
    return html`<span role="cell" ref=${this.keep} class=${className ?? ''} data-col=${col}>${text(Date.now())}</span>`;
  }
}
