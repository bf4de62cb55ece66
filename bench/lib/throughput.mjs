// Throughput: one long-lived process per (client, mode), measured in short slices taken in turn.
import { startClientProcess } from './processes.mjs';
import { ACCESS_KEY, CLIENTS, CLIENT_LABEL, FIRST_WARMUP_MS, MODES, MODE_LABEL, ROUNDS, SECONDS, SECRET_KEY, WARMUP_MS, log } from './settings.mjs';
import { fmt, median, range, rotate } from './stats.mjs';

/**
 * The clients of one round and mode: the floor and ours back to back (alternating which goes first), so
 * that the ratio against the floor compares two slices a second apart; then the others, rotated. On a
 * shared machine whose speed drifts within a run, pairs measured further apart disagree far more.
 */
function runOrder(n) {
  const pair = (n % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor']).filter((c) => CLIENTS.includes(c));
  return [
    ...pair,
    ...rotate(
      CLIENTS.filter((c) => !pair.includes(c)),
      n,
    ),
  ];
}

/**
 * Per mode, every client starts in a process of its own and warms up once (JIT, connections); then the
 * rounds take a short measured slice of each in turn, one client running at a time. Slices of the
 * floor and ours taken back to back make the pairs the ratios are computed from.
 */
export async function throughput(server, floorRequest) {
  const runs = []; // { client, concurrency, round, ...result }
  const total = ROUNDS * MODES.length * CLIENTS.length;
  for (const concurrency of MODES) {
    const processes = {};
    try {
      for (const client of CLIENTS) {
        const config = { client, concurrency, baseUrl: server.baseUrl, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, request: floorRequest };
        const extraEnv =
          client === 'official' ? { QIANFAN_ACCESS_KEY: ACCESS_KEY, QIANFAN_SECRET_KEY: SECRET_KEY, QIANFAN_CONSOLE_API_BASE_URL: server.baseUrl } : {};
        processes[client] = await startClientProcess(config, extraEnv);
        await processes[client].run(FIRST_WARMUP_MS, 0);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const client of runOrder(round + MODES.indexOf(concurrency))) {
          const before = await server.count();
          const result = await processes[client].run(WARMUP_MS, SECONDS);
          const seen = (await server.count()) - before;
          const sent = result.calls + result.warmupCalls;
          if (seen !== sent) log(`  ! ${client} ${MODE_LABEL(concurrency)}: reported ${sent} calls, the server saw ${seen}`);
          runs.push({ client, concurrency, round, ...result, serverSaw: seen });
          log(
            `  [${runs.length}/${total}] round ${round + 1} ${MODE_LABEL(concurrency).padEnd(15)} ${CLIENT_LABEL[client].padEnd(19)} ` +
              `${fmt(result.callsPerSecond, 0).padStart(7)} calls/s  p50 ${fmt(result.p50Ms, 2)} ms  p99 ${fmt(result.p99Ms, 2)} ms`,
          );
        }
      }
    } finally {
      await Promise.all(Object.values(processes).map((p) => p.close()));
    }
  }
  const summary = [];
  for (const concurrency of MODES) {
    const row = {};
    for (const client of CLIENTS) {
      const mine = runs.filter((r) => r.client === client && r.concurrency === concurrency);
      row[client] = {
        callsPerSecond: median(mine.map((r) => r.callsPerSecond)),
        p50Ms: median(mine.map((r) => r.p50Ms)),
        p99Ms: median(mine.map((r) => r.p99Ms)),
        cpuUsPerCall: median(mine.map((r) => r.cpuUsPerCall)),
        perRound: mine.map((r) => r.callsPerSecond),
      };
    }
    // Ratios are paired by round (the clients of one round ran back to back), then the median is taken:
    // steadier than a ratio of medians when the machine's load drifts during the run.
    const pairedRatio = (client, base) => {
      if (!row[base]) return [];
      const mine = runs.filter((r) => r.client === client && r.concurrency === concurrency);
      const theirs = runs.filter((r) => r.client === base && r.concurrency === concurrency);
      return mine.map((r) => r.callsPerSecond / (theirs.find((t) => t.round === r.round)?.callsPerSecond ?? NaN));
    };
    for (const client of CLIENTS) {
      const vsFloor = pairedRatio(client, 'floor');
      const vsOfficial = pairedRatio(client, 'official');
      Object.assign(row[client], {
        vsFloor: median(vsFloor),
        vsFloorRange: range(vsFloor),
        vsOfficial: median(vsOfficial),
        vsOfficialRange: range(vsOfficial),
      });
    }
    summary.push({ concurrency, clients: row });
  }
  return { runs, summary };
}
