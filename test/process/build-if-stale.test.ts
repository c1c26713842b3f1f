import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const SCRIPT = resolve(import.meta.dirname, '../../scripts/build-if-stale.mjs');
const run = promisify(execFile);

test('npm start builds only when a source changed since the last build (npm ci builds once, in prepare)', async (t) => {
  // A project of the same layout whose build only counts how often it ran.
  const cwd = await mkdtemp(join(tmpdir(), 'pos-build-'));
  t.after(() => rm(cwd, { recursive: true, force: true }));
  await mkdir(join(cwd, 'src'));
  await mkdir(join(cwd, 'dist'));
  await writeFile(join(cwd, 'src', 'main.ts'), 'export {};\n');
  await writeFile(join(cwd, 'package.json'), JSON.stringify({ scripts: { build: 'echo built >> builds.log' } }));
  const builds = async () => (await readFile(join(cwd, 'builds.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  const start = () => run(process.execPath, [SCRIPT], { cwd });

  await start();
  assert.equal(await builds(), 1, 'the first start builds');
  await start();
  assert.equal(await builds(), 1, 'nothing changed: no build');

  // Edited after the last build: the stamp 10 s old, the source 5 s.
  const ago = (ms: number) => new Date(Date.now() - ms);
  await utimes(join(cwd, 'dist', '.built'), ago(10_000), ago(10_000));
  await utimes(join(cwd, 'src', 'main.ts'), ago(5000), ago(5000));
  await start();
  assert.equal(await builds(), 2, 'an edited source is built before the start');
  await start();
  assert.equal(await builds(), 2);
});
