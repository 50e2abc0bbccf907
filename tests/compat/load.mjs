// Load every specification file into a fresh server the way
// spec.test.mjs does, and report each one that fails to load, with the
// server's answer. Exits non-zero when any fails. Needs VEXIL_BIN.
import { startVexil } from './lib/vexil.mjs';
import { specifications, loadSpec } from './lib/spec.mjs';

let failed = 0;
for (const spec of specifications()) {
  const vexil = await startVexil();
  try {
    const unloadable = await loadSpec(vexil, spec);
    const skipped = [...unloadable].map(([n, why]) => `${n}: ${why}`);
    console.log(`ok   ${spec.name}${skipped.length ?
      `\n       unloadable: ${skipped.join('\n       unloadable: ')}` : ''}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${spec.name}: ${e.message}`);
  } finally {
    await vexil.stop();
  }
}
process.exit(failed ? 1 : 0);
