import type { Readable } from 'node:stream';
import type { EventTypeName } from '../../config/event-types.js';
import type { ProgramConfig } from '../../config/types.js';
import type { RemoteCommunicationMessage } from '../../contracts/process-events.js';
import type { EventLog } from '../../engine/event-log.js';
import type { ManagedProcess } from '../../engine/managed-process.js';
import type { OutputStream } from '../../engine/process-output.js';
import type { ProcessState } from '../../engine/state-machine.js';
import { ListenerChannel } from './listener-channel.js';
import { communicationPayload, eventEnvelope, groupPayload, listenerEvent, processLogPayload, remoteCommunicationPayload, stateChangePayload, tickPayload } from './listener-event.js';
import { ListenerPool, nextSerial } from './listener-pool.js';
import { sendsOutputEvents } from './sends-output-events.js';
import { TickClock } from './tick-clock.js';

export interface EventListenersHost {
  readonly log: EventLog;
  processesOf(programName: string): readonly ManagedProcess[];
  /** The `server:` of every event header: supervisord's `identifier` (default `supervisor`). */
  identifier(): string;
}

const endedStates: readonly ProcessState[] = ['STOPPED', 'EXITED', 'FATAL', 'BACKOFF'];
const logDecoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Event listeners (supervisord's protocol): the events of the supervisor and its processes,
 * each buffered in the pools that subscribe to its type and sent to a READY listener.
 * Without a listener in the config, every entry point returns at once.
 */
export class EventListeners {
  private readonly pools = new Map<string, ListenerPool>();
  private readonly channels = new Map<ManagedProcess, ListenerChannel>();
  /** The pid of each process's last run, for EXITED and STOPPED payloads (the snapshot has none by then). */
  private readonly lastPids = new WeakMap<ManagedProcess, number>();
  private readonly outputWatched = new WeakSet<ManagedProcess>();
  private readonly clock = new TickClock((type, when) => this.publish(type, () => tickPayload(when)));
  private serial = -1;

  constructor(private readonly host: EventListenersHost) {}

  private write(level: Parameters<EventLog['write']>[0], message: string): void {
    this.host.log.write(level, message, { event: 'event_listener' });
  }

  /** Makes the pools match the listener programs; a pool kept across a reload keeps its waiting events. */
  sync(programs: readonly ProgramConfig[]): void {
    const listeners = new Map(programs.flatMap((program) => (program.listener ? [[program.name, program.listener] as const] : [])));
    for (const name of this.pools.keys()) if (!listeners.has(name)) this.pools.delete(name);
    for (const [name, config] of listeners) {
      const pool = this.pools.get(name);
      if (pool) pool.config = config;
      else this.pools.set(name, new ListenerPool(name, config, (level, message) => this.write(level, message), (event, poolName) => eventEnvelope(event, this.host.identifier(), poolName)));
    }
    const wantsTicks = [...this.pools.values()].some((pool) => pool.wants('TICK_5') || pool.wants('TICK_60') || pool.wants('TICK_3600'));
    if (wantsTicks) this.clock.start();
    else this.clock.stop();
    for (const program of programs) if (sendsOutputEvents(program)) for (const process of this.host.processesOf(program.name)) this.watchOutput(process);
  }

  /** Offers an event to every pool that subscribes to its type; the payload is built only if one does. */
  publish(type: EventTypeName, payload: () => string): void {
    if (this.pools.size === 0) return;
    let event: ReturnType<typeof listenerEvent> | null = null;
    for (const pool of this.pools.values()) {
      if (!pool.wants(type)) continue;
      event ??= listenerEvent(type, payload());
      pool.accept(event, () => (this.serial = nextSerial(this.serial)));
      this.dispatch(pool);
    }
  }

  private dispatch(pool: ListenerPool): void {
    const members = this.host.processesOf(pool.name).flatMap((process) => this.channels.get(process) ?? []);
    pool.dispatch(members);
  }

  /** The engine asks at each spawn who reads its stdout: a listener's goes to a fresh protocol channel. */
  stdoutChannel(process: ManagedProcess): ((stdout: Readable) => void) | null {
    if (process.program.listener === null) return null;
    return (stdout) => {
      const poolName = process.program.name;
      const channel = new ListenerChannel(process.fullName, {
        log: (level, message) => this.write(level, message),
        isRunning: () => process.state === 'RUNNING',
        stdin: () => process.stdin,
        rebuffer: (event) => {
          const pool = this.pools.get(poolName);
          if (!pool) return;
          pool.accept(event, () => (this.serial = nextSerial(this.serial)), true);
          this.dispatch(pool);
        },
        dispatch: () => {
          const pool = this.pools.get(poolName);
          if (pool) this.dispatch(pool);
        },
      });
      this.channels.get(process)?.processEnded();
      this.channels.set(process, channel);
      channel.attach(stdout);
    };
  }

  /** Every state change: a listener's channel follows its process, and PROCESS_STATE_* events go out. */
  onStateChange(process: ManagedProcess, previous: ProcessState): void {
    if (sendsOutputEvents(process.program)) this.watchOutput(process);
    if (this.pools.size === 0) return;
    const { state, pid, backoff, exitExpected } = process.snapshot;
    if (pid !== null) this.lastPids.set(process, pid);
    // A new run has no pid until its spawn: a stop before then says 0, not the last run's pid.
    else if (state === 'STARTING') this.lastPids.delete(process);
    // A new pid announced in STARTING is no state change for a listener.
    if (previous === state) return;
    const channel = this.channels.get(process);
    if (channel && endedStates.includes(state)) {
      this.channels.delete(process);
      channel.processEnded();
    }
    // A run that ended says its pid; a stop from BACKOFF had none (supervisord says 0).
    const ranBefore = previous === 'RUNNING' || previous === 'STARTING' || previous === 'STOPPING';
    const eventPid = pid ?? (ranBefore ? (this.lastPids.get(process) ?? 0) : 0);
    this.publish(`PROCESS_STATE_${state}`, () =>
      stateChangePayload({ processName: process.processName, groupName: process.program.group, from: previous, to: state, tries: backoff, expected: exitExpected === true, pid: eventPid }),
    );
    if (state === 'RUNNING' && process.program.listener !== null) {
      const pool = this.pools.get(process.program.name);
      if (pool) this.dispatch(pool);
    }
  }

  /** Output of a program with stdout_events / stderr_events becomes PROCESS_LOG_* events, chunk by chunk. */
  private watchOutput(process: ManagedProcess): void {
    if (this.outputWatched.has(process)) return;
    this.outputWatched.add(process);
    process.output.subscribe((stream: OutputStream, chunk: Buffer) => {
      if (!(stream === 'stdout' ? process.program.stdoutEvents : process.program.stderrEvents)) return;
      const pid = process.snapshot.pid ?? this.lastPids.get(process) ?? 0;
      this.publish(stream === 'stdout' ? 'PROCESS_LOG_STDOUT' : 'PROCESS_LOG_STDERR', () => processLogPayload(process.processName, process.program.group, pid, stream, logDecoder.decode(chunk)));
    });
    process.output.subscribeCommunication((stream: OutputStream, data: Buffer) => {
      const pid = process.snapshot.pid ?? this.lastPids.get(process) ?? 0;
      this.publish(stream === 'stdout' ? 'PROCESS_COMMUNICATION_STDOUT' : 'PROCESS_COMMUNICATION_STDERR', () => communicationPayload(process.processName, process.program.name, pid, logDecoder.decode(data)));
    });
  }

  /** As supervisord starts: each group is announced, then the supervisor is RUNNING (before any program starts). */
  supervisorStarted(groupNames: readonly string[]): void {
    for (const name of groupNames) this.groupAdded(name);
    this.publish('SUPERVISOR_STATE_CHANGE_RUNNING', () => '');
  }

  supervisorStopping(): void {
    this.publish('SUPERVISOR_STATE_CHANGE_STOPPING', () => '');
  }

  groupAdded(name: string): void {
    this.publish('PROCESS_GROUP_ADDED', () => groupPayload(name));
  }

  groupRemoved(name: string): void {
    this.publish('PROCESS_GROUP_REMOVED', () => groupPayload(name));
  }

  remoteCommunication(message: RemoteCommunicationMessage): void {
    this.publish('REMOTE_COMMUNICATION', () => remoteCommunicationPayload(message.eventType, message.data));
  }

  /** Events waiting in a pool, for tests and status. */
  pendingIn(poolName: string): number {
    return this.pools.get(poolName)?.pending ?? 0;
  }

  close(): void {
    this.clock.stop();
  }
}
