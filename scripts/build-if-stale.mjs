// Builds the platform (`npm run build`) only when a source is newer than the last build, so `npm start` after
// `npm ci` (which builds once, in `prepare`) starts in a moment and a supervisor can restart a killed process at
// once, while a start after an edit still runs the edited code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = 'dist/.built';
const SOURCES = ['src', 'web', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time under `path` (a file or a folder), in milliseconds. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs; // a deleted file shows as its folder's change
  for (const entry of readdirSync(path)) if (entry !== 'node_modules') latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const builtAt = existsSync(STAMP) ? statSync(STAMP).mtimeMs : -Infinity;
const changedAt = Math.max(...SOURCES.filter((path) => existsSync(path)).map(newest));
if (changedAt > builtAt) {
  const startedAt = new Date();
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  // Stamped with the time the build started: a source saved during the build makes the next start build again.
  writeFileSync(STAMP, '');
  utimesSync(STAMP, startedAt, startedAt);
}
