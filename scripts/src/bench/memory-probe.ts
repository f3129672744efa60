import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Loaded with `--require` into the processes of a bench run (through
 * NODE_OPTIONS): in the one whose main script ends with
 * BENCH_MEMORY_PROCESS, a SIGUSR2 collects garbage and writes
 * `process.memoryUsage()` as JSON to BENCH_MEMORY_FILE, so memory is read in
 * that process itself and nothing is added to the code under measure.
 * Inert everywhere else.
 */
const file = process.env.BENCH_MEMORY_FILE;
const target = process.env.BENCH_MEMORY_PROCESS;
if (file && target && (process.argv[1] ?? '').endsWith(target)) {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options?: unknown) => void;
  process.on('SIGUSR2', () => {
    // Several full collections: weak maps and finalizers settle over more than one.
    for (let i = 0; i < 4; i += 1) gc();
    writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
  });
}
