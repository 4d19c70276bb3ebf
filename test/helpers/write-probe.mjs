// A test-only preload for the built CLI (`node --import write-probe.mjs dist/cli/main.js ...`):
// it watches the real fs calls of a render and, when asked, stops or kills the process at an
// exact point of the write, so a test can cut a run off between two renames with a real
// SIGKILL, or hold it mid-write with SIGSTOP. The shipped code knows nothing of it.
// PROBE_GATE=fifo     wait at start until the test opens and closes the FIFO (start runs at once)
// PROBE_LOG=file      append one JSON line per temporary-file create and rename (monotonic ns)
// PROBE_KILL_BEFORE=name / PROBE_KILL_AFTER=name   SIGKILL itself before / after renaming onto name
// PROBE_STOP_AFTER=name                            SIGSTOP itself after renaming onto name
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename } from 'node:path';

const env = process.env;
if (env.PROBE_GATE) fs.readFileSync(env.PROBE_GATE);

const log = (event, name) => {
  if (env.PROBE_LOG) fs.appendFileSync(env.PROBE_LOG, `${JSON.stringify({ pid: process.pid, event, name, t: String(process.hrtime.bigint()) })}\n`);
};
// `.<name>.<pid>-<hex>.tmp` -> name
const target = (tmp) =>
  basename(String(tmp))
    .replace(/^\./, '')
    .replace(/\.\d+-[0-9a-f]{8}\.tmp$/, '');

const { openSync, renameSync } = fs;
fs.openSync = function probedOpen(path, flags, mode) {
  const fd = openSync(path, flags, mode);
  if (String(path).endsWith('.tmp')) log('tmp', target(path));
  return fd;
};
fs.renameSync = function probedRename(from, to) {
  const name = basename(String(to));
  if (name === env.PROBE_KILL_BEFORE) process.kill(process.pid, 'SIGKILL');
  renameSync(from, to);
  log('rename', name);
  if (name === env.PROBE_KILL_AFTER) process.kill(process.pid, 'SIGKILL');
  if (name === env.PROBE_STOP_AFTER) process.kill(process.pid, 'SIGSTOP');
};
// The CLI's modules import these by name; this makes those bindings see the probes.
syncBuiltinESMExports();
