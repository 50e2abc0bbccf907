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

// The constraint operators Unleash (and so Vexil) stores.
const OPERATORS = new Set(['IN', 'NOT_IN', 'STR_STARTS_WITH',
  'STR_ENDS_WITH', 'STR_CONTAINS', 'NUM_EQ', 'NUM_GT', 'NUM_GTE', 'NUM_LT',
  'NUM_LTE', 'DATE_AFTER', 'DATE_BEFORE', 'SEMVER_EQ', 'SEMVER_GT',
  'SEMVER_LT', 'SEMVER_GTE', 'SEMVER_LTE', 'IN_CIDR', 'REGEX']);

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

// The flags of a specification whose state Vexil refuses to store, with
// the reason, so that their cases are skipped with that reason rather
// than silently.
export function unloadableOf(spec) {
  const { state } = stateOf(spec);
  const features = state.features || [];
  const unloadable = new Map();
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

  for (const f of features) {
    if (encodeURIComponent(f.name) !== f.name) {
      unloadable.set(f.name, 'its name is not URL friendly; Vexil, like ' +
        'Unleash, refuses such flag names');
    }
    const segs = (state.segments || []).filter((sg) =>
      (f.strategies || []).some((s) => (s.segments || []).includes(sg.id)));
    const constraints = [...(f.strategies || []), ...segs]
      .flatMap((s) => s.constraints || []);
    const ids = new Set((state.segments || []).map((sg) => sg.id));
    const lost = (f.strategies || []).flatMap((s) => s.segments || [])
      .find((id) => !ids.has(id));
    if (lost !== undefined) {
      unloadable.set(f.name, `its strategy uses segment ${lost}, which ` +
        'does not exist; Vexil, like Unleash, refuses such a reference');
    }
    const bad = constraints.find((c) => !OPERATORS.has(c.operator));
    if (bad) {
      unloadable.set(f.name, `its constraint operator "${bad.operator}" ` +
        'is unknown; Vexil, like Unleash, refuses to store it');
    }
  }

  return unloadable;
}

// Load a specification into a fresh server; flags unloadableOf() names
// are left out.
export async function loadSpec(vexil, spec) {
  const { state, removed } = stateOf(spec);
  const features = state.features || [];
  const unloadable = unloadableOf(spec);
  const names = new Set(features.map((f) => f.name));

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
