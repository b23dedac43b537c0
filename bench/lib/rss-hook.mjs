/**
 * Preloaded into every benchmarked process (node --import): at exit it writes the process's peak
 * resident set size (kB, worker threads included) and its CPU time (µs, user + system, all
 * threads) to the file named by B12_BENCH_RSS, as JSON.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.B12_BENCH_RSS;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS: u.maxRSS, cpu: u.userCPUTime + u.systemCPUTime }));
  });
}
