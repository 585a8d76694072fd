import type { ProgramConfig } from '../../config/types.js';

/** Whether a program's output becomes events: PROCESS_LOG_* or, in capture mode, PROCESS_COMMUNICATION_*. */
export function sendsOutputEvents(program: ProgramConfig): boolean {
  return program.stdoutEvents || program.stderrEvents || program.stdoutCaptureMaxBytes > 0 || program.stderrCaptureMaxBytes > 0;
}
