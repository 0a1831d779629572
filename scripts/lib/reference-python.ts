import { spawnSync } from 'node:child_process';

/**
 * A python3 that imports scikit-image (Debian's python3-skimage; installed with apt when missing and running as
 * root), for the reference pipelines the benchmarks run beside ours; undefined when there is none.
 */
export function findPython(): string | undefined {
  const works = (py: string) => spawnSync(py, ['-c', 'import skimage'], { stdio: 'ignore' }).status === 0;
  const candidates = ['python3', '/usr/bin/python3'];
  const found = candidates.find(works);
  if (found) return found;
  if (process.getuid?.() !== 0) return undefined;
  process.stderr.write('installing python3-skimage with apt for the reference pipeline…\n');
  spawnSync('apt-get', ['install', '-y', '-q', 'python3-skimage'], {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return candidates.find(works);
}

/** One BLAS/OpenMP thread: the reference runs on one core, as our pipeline does. */
export const SINGLE_THREAD_ENV = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
