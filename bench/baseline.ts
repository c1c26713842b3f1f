/**
 * A build of another commit to measure against in the same run (BENCH_BASELINE=<git ref>): figures from two
 * separate runs are not comparable on a machine whose speed drifts by a third within an hour, so "no slower"
 * is judged round by round, the baseline's process and this checkout's on the same machine minutes apart.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './processes.js';

export interface Baseline {
  ref: string;
  /** The short commit id the ref named at the start of the run. */
  commit: string;
  /** Its checkout, built: start it with `startPlatform(env, [], root)`. */
  root: string;
  remove(): Promise<void>;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

/**
 * Checks `ref` out into a temporary git worktree sharing this checkout's node_modules (the baseline is judged
 * on its own code, not on other dependencies) and builds it.
 */
export async function prepareBaseline(ref: string): Promise<Baseline> {
  const commit = run('git', ['rev-parse', '--short', `${ref}^{commit}`], REPO_ROOT);
  const root = join(await mkdtemp(join(tmpdir(), 'mobilepay-bench-baseline-')), 'checkout');
  run('git', ['worktree', 'add', '--detach', root, commit], REPO_ROOT);
  const remove = async () => {
    spawnSync('git', ['worktree', 'remove', '--force', root], { cwd: REPO_ROOT });
    await rm(join(root, '..'), { recursive: true, force: true });
  };
  try {
    await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
    run('npm', ['run', 'build', '--silent'], root);
  } catch (error) {
    await remove();
    throw error;
  }
  return { ref, commit, root, remove };
}
