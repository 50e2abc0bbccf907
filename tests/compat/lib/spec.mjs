// The Unleash client specification (npm @unleash/client-specification),
// and loading one specification's flag set into Vexil through the admin
// API, the way an Unleash user would move flags over: custom strategy
// definitions first, then one features-batch import, which keeps variant
// weights exactly as given.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const specDir = join(dirname(require.resolve(
  '@unleash/client-specification/package.json')), 'specifications');

const BUILT_IN = new Set(['default', 'flexibleRollout', 'userWithId',
  'remoteAddress', 'applicationHostname', 'gradualRolloutUserId',
  'gradualRolloutSessionId', 'gradualRolloutRandom']);

// Every specification file, in the order index.json gives.
export function specifications() {
  const index = JSON.parse(readFileSync(join(specDir, 'index.json'), 'utf8'));
  return index.map((file) =>
    JSON.parse(readFileSync(join(specDir, file), 'utf8')));
}

// The flag set of a specification, with the delta-API forms (a hydration
// event, or a list of change events) folded into one state, and the
// names of flags the events removed.
export function stateOf(spec) {
  const st = spec.state;
  if (!st.events) return { state: st, removed: [] };
  const features = new Map();
  const segments = new Map();
  const removed = [];
  for (const ev of st.events) {
    if (ev.type === 'hydration') {
      for (const f of ev.features) features.set(f.name, f);
      for (const s of ev.segments || []) segments.set(s.id, s);
    } else if (ev.type === 'feature-updated') {
      features.set(ev.feature.name, ev.feature);
    } else if (ev.type === 'feature-removed') {
      removed.push(ev.featureName);
    } else if (ev.type === 'segment-updated') {
      segments.set(ev.segment.id, ev.segment);
    }
  }
  return {
    state: { features: [...features.values()],
      segments: [...segments.values()] },
    removed,
  };
}

// Load a specification into a fresh server. Returns the names of flags
// whose state Vexil refuses to store, with the reason, so their cases
// can be skipped with that reason rather than silently.
export async function loadSpec(vexil, spec) {
  const { state, removed } = stateOf(spec);
  const features = state.features || [];
  const unloadable = new Map();
  const names = new Set(features.map((f) => f.name));

  for (const f of features) {
    for (const d of f.dependencies || []) {
      const parent = features.find((p) => p.name === d.feature);
      if (!parent) {
        unloadable.set(f.name, 'its parent flag does not exist; Vexil ' +
          'refuses a dependency on a missing flag');
      } else if ((parent.dependencies || []).length > 0) {
        unloadable.set(f.name, 'its parent has a parent itself; Vexil, ' +
          'like Unleash, allows one level of dependencies');
      }
    }
  }

  const custom = new Set();
  for (const f of features) {
    for (const s of f.strategies || []) {
      if (!BUILT_IN.has(s.name)) custom.add(s.name);
    }
  }
  for (const name of custom) {
    await vexil.admin('POST', '/api/admin/strategies',
      { name, description: 'custom strategy of the specification',
        parameters: [] });
  }

  const kept = features.filter((f) => !unloadable.has(f.name));
  const data = {
    features: kept.map((f) => ({
      name: f.name, type: f.type || 'release',
      description: f.description || '', project: 'default',
      impressionData: !!f.impressionData, stale: !!f.stale,
    })),
    featureEnvironments: kept.map((f) => ({
      name: f.name, featureName: f.name, environment: 'development',
      enabled: !!f.enabled, variants: f.variants || [],
    })),
    featureStrategies: kept.flatMap((f) => (f.strategies || []).map(
      (s, i) => ({
        featureName: f.name, name: s.name,
        parameters: s.parameters || {}, constraints: s.constraints || [],
        segments: s.segments || [], variants: s.variants || [],
        sortOrder: i, disabled: false,
      }))),
    segments: (state.segments || []).map((s) => ({
      id: s.id, name: s.name || `segment-${s.id}`,
      constraints: s.constraints || [],
    })),
    dependencies: kept.filter((f) => (f.dependencies || []).length > 0)
      .map((f) => ({
        feature: f.name,
        dependencies: f.dependencies.filter((d) => names.has(d.feature)),
      })),
  };
  await vexil.admin('POST', '/api/admin/features-batch/import',
    { project: 'default', environment: 'development', data });
  for (const name of removed) {
    await vexil.admin('DELETE', `/api/admin/projects/default/features/${
      encodeURIComponent(name)}`);
  }
  return unloadable;
}
