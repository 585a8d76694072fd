import { performance } from 'node:perf_hooks';
import { sleepMs } from '../lib/deadline.js';
import { sampleIdle } from '../lib/idle-sample.js';
import { which } from '../lib/which.js';
import { startChildHolder, timeSpawnFleet } from '../tools/floor.js';
import type { Session, Tool } from '../tools/session.js';
import { describeError, type BenchContext } from './context.js';
import { measureControlLatency, measurePairedLatency } from './control-latency.js';
import { idleProgramSpecs, idleRows } from './idle-cost.js';
import { measureReload } from './reload.js';
import { timeStartAll, timeStopAll } from './start-stop.js';

/**
 * One fleet of N programs per tool, in turn: boot, idle cost, status, reload of one
 * changed program, then a timed `stop all` and `start all` through each CLI.
 */
export async function measureFleet(context: BenchContext): Promise<void> {
  const { results, sizes } = context;
  const count = sizes.fleet;
  const boot = results.row('fleet-boot', `fleet of ${count}`, `boot with ${count} autostart programs until all RUNNING`, 's');
  const start = results.row('fleet-start', `fleet of ${count}`, `\`start all\` of ${count} until all RUNNING`, 's', { target: '≤ 1.1 × floor' });
  const stop = results.row('fleet-stop', `fleet of ${count}`, `\`stop all\` of ${count} (children exit on SIGTERM, stoptime 10 s)`, 's', { target: '≤ stoptime + 1 s' });
  const statusCli = results.row('status-cli', 'control latency', `\`status\` of ${count} through the CLI (taskmasterctl, supervisorctl, pm2 jlist)`, 's', { target: count === 1000 ? '≤ 0.1 s' : 'see full run' });
  const statusApi = results.row('status-api', 'control latency', `status of ${count} through the API, no CLI start-up`, 'ms');
  const pairs = sizes.cliRuns * 8;
  const statusPaired = results.row('status-cli-paired', 'control latency', `\`taskmasterctl status\` of ${count} alternated with \`node -e 0\` (the floor), ${pairs} pairs: medians`, 'ms', { target: '≤ 1.3x floor' });
  const statusPairRatio = results.row('status-cli-pair-ratio', 'control latency', `the same pairs for ${count} processes: median of each pair's \`taskmasterctl status\` / \`node -e 0\``, 'x', { target: '≤ 1.3' });
  const reloadTime = results.row('reload-time', 'reload', `reload of ${count} programs, one changed: until applied`, 's');
  const reloadCount = results.row('reload-restarted', 'reload', 'processes restarted by that reload (right answer: 1)', 'processes');
  const idle = idleRows(results, count);
  const all = [boot, start, stop, statusCli, statusApi, statusPaired, statusPairRatio, reloadTime, reloadCount, idle.rss, idle.cpu];
  for (const [column, reason] of context.unavailable) for (const cells of all) cells[column] = { missing: reason };
  for (const cells of [boot, stop, statusCli, statusApi, statusPairRatio, reloadTime, reloadCount]) cells.floor = { missing: 'not applicable' };
  start.floor = { missing: 'not measured' };
  for (const tool of ['supervisord', 'pm2'] as const) statusPaired[tool] = statusPairRatio[tool] = { missing: "Taskmaster's goal: its floor is Node's own start-up" };
  reloadTime.pm2 = reloadCount.pm2 = { missing: 'no config diff: `pm2 startOrReload` restarts every app' };
  statusApi.pm2 = { missing: 'not measured: its API is the pm2 client library' };

  const programs = idleProgramSpecs(count, 'p');
  const runTool = async (tool: Tool): Promise<void> => {
    let session: Session | undefined;
    try {
      context.progress(`fleet: ${tool.name} booting ${count}`);
      const launchedAt = performance.now();
      session = await tool.launch(programs, 'fleet');
      boot[tool.name] = { value: (performance.now() - launchedAt) / 1000 };
      await sleepMs(1000);
      const [cost] = await sampleIdle([session.supervisorPid], sizes.idleWindowMs);
      idle.rss[tool.name] = { value: cost!.rssBytes / 1e6 };
      idle.cpu[tool.name] = { value: cost!.cpuPercent };
      context.progress(`fleet: ${tool.name} status`);
      const latency = await measureControlLatency(session, sizes.cliRuns);
      statusCli[tool.name] = { value: latency.cliMs / 1000 };
      if (tool.name !== 'pm2') statusApi[tool.name] = { value: latency.apiMs };
      if (tool.name === 'taskmaster') {
        context.progress(`fleet: taskmaster status alternated with node -e 0, ${pairs} pairs`);
        const paired = await measurePairedLatency(session, pairs);
        statusPaired.taskmaster = { value: paired.cliMs };
        statusPaired.floor = { value: paired.nodeMs };
        statusPairRatio.taskmaster = { value: paired.pairRatio };
      }
      const reload = await measureReload(session, programs);
      if (reload) {
        reloadTime[tool.name] = { value: reload.appliedMs / 1000 };
        reloadCount[tool.name] = { value: reload.restarted };
      }
      context.progress(`fleet: ${tool.name} stop all / start all`);
      stop[tool.name] = { value: (await timeStopAll(session)) / 1000 };
      start[tool.name] = { value: (await timeStartAll(session, count)) / 1000 };
    } catch (error) {
      const reason = `failed: ${describeError(error)}`;
      for (const cells of all) if (cells[tool.name] === undefined) cells[tool.name] = { missing: reason };
      context.progress(`fleet: ${tool.name} ${reason}`);
    } finally {
      if (session) {
        context.progress(`fleet: ${tool.name} shutting down`);
        await session.close().catch((error: unknown) => context.progress(`warning: ${describeError(error)}`));
      }
    }
  };
  for (const tool of context.tools) await runTool(tool);

  context.progress(`fleet: floor spawning ${count}`);
  // Its children are in their own sessions as Taskmaster's are; the spawner kills them on SIGTERM.
  start.floor = { value: (await timeSpawnFleet(count, [which('sleep'), '1000'], context.cleanup)) / 1000 };
  const holder = await startChildHolder(count, [which('sleep'), '1000'], context.cleanup);
  try {
    await sleepMs(1000);
    const [cost] = await sampleIdle([holder.pid], sizes.idleWindowMs);
    idle.rss.floor = { value: cost!.rssBytes / 1e6 };
    idle.cpu.floor = { value: cost!.cpuPercent };
  } finally {
    await holder.close();
  }
}
