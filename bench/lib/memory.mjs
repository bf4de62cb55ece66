// Memory: RSS and V8 heap after 10,000 and 20,000 sequential calls, ours and the floor.
import { runClient } from './processes.mjs';
import { ACCESS_KEY, RSS_RUNS, SECRET_KEY } from './settings.mjs';
import { median, range } from './stats.mjs';

export async function memory(server, floorRequest) {
  // Sequential calls, the way a script or the CLI calls the console; the floor alongside for reference.
  const config = { mode: 'rss', concurrency: 1, batch: 10_000, baseUrl: server.baseUrl, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, request: floorRequest };
  const runs = [];
  for (let i = 0; i < RSS_RUNS; i++) runs.push(await runClient({ ...config, client: 'ours' }, { execArgv: ['--expose-gc'] }));
  const floor = await runClient({ ...config, client: 'floor' }, { execArgv: ['--expose-gc'] });
  return {
    startMB: median(runs.map((r) => r.start.rssMB)),
    after10kMB: median(runs.map((r) => r.first.rssMB)),
    after10kRange: range(runs.map((r) => r.first.rssMB)),
    after20kMB: median(runs.map((r) => r.second.rssMB)),
    growthMB: median(runs.map((r) => r.second.rssMB - r.first.rssMB)),
    growthRange: range(runs.map((r) => r.second.rssMB - r.first.rssMB)),
    heapTotal10kMB: median(runs.map((r) => r.first.heapTotalMB)),
    heapTotal20kMB: median(runs.map((r) => r.second.heapTotalMB)),
    heapAfterGc10kMB: median(runs.map((r) => r.first.heapUsedAfterGcMB)),
    heapAfterGc20kMB: median(runs.map((r) => r.second.heapUsedAfterGcMB)),
    heapGrowthMB: median(runs.map((r) => r.second.heapUsedAfterGcMB - r.first.heapUsedAfterGcMB)),
    floor: { after10kMB: floor.first.rssMB, after20kMB: floor.second.rssMB, heapTotal10kMB: floor.first.heapTotalMB },
  };
}
