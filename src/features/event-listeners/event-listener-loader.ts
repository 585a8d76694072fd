import type { ProgramConfig } from '../../config/types.js';
import type { EventListeners, EventListenersHost } from './event-listeners.js';
import { sendsOutputEvents } from './sends-output-events.js';

/** Whether any program needs the event listener feature: a listener, or output that becomes events. */
export function needsEventListeners(programs: Iterable<ProgramConfig>): boolean {
  for (const program of programs) if (program.listener !== null || sendsOutputEvents(program)) return true;
  return false;
}

/**
 * Loads the event listener feature on first need: a supervisor without listeners opens none
 * of its modules, which counts where descriptors are tightest, at start (prlimit --nofile=64).
 */
export class EventListenerLoader {
  /** The feature once loaded; null while no config has needed it. */
  current: EventListeners | null = null;
  /** Loaded, or failed to load (said in the event log): nothing more to wait for. */
  private settled = false;
  private loading: Promise<void> | null = null;

  constructor(private readonly host: EventListenersHost) {}

  /** True when nothing needs loading for these programs. */
  isReadyFor(programs: Iterable<ProgramConfig>): boolean {
    return this.settled || !needsEventListeners(programs);
  }

  /** Loads the feature if these programs need it; resolves at once when they do not, and never rejects. */
  async ensure(programs: Iterable<ProgramConfig>): Promise<void> {
    if (this.isReadyFor(programs)) return;
    this.loading ??= import('./event-listeners.js')
      .then(
        ({ EventListeners }) => {
          this.current = new EventListeners(this.host);
        },
        (error: Error) => this.host.log.error(`event listeners are off: their module did not load (${error.message})`),
      )
      .finally(() => {
        this.settled = true;
      });
    await this.loading;
  }
}
