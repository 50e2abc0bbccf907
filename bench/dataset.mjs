// Writes the benchmark's data set into a directory, as the JSON bodies
// that both servers' admin APIs take:
//   context-<name>.json   POST /api/admin/context, one per context field
//   segment-<n>.json      POST /api/admin/segments, one per segment
//   import-<project>.json POST /api/admin/features-batch/import
// The data is the same on every run: a fixed-seed generator picks the
// rollouts, constraints, segments and variants.
//
// usage: node dataset.mjs OUTDIR [FLAGS_PER_PROJECT]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const outDir = process.argv[2];
const perProject = Number(process.argv[3] || 100);
if (!outDir || !(perProject > 0)) {
    console.error('usage: node dataset.mjs OUTDIR [FLAGS_PER_PROJECT]');
    process.exit(2);
}
mkdirSync(outDir, { recursive: true });

// A small linear congruential generator, so that runs compare.
let seed = 20240601;
const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
};
const pick = (list) => list[Math.floor(rnd() * list.length)];
const between = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));

const projects = ['default', 'checkout'];
const environment = 'production';
const regions = ['eu-west', 'eu-north', 'us-east', 'us-west', 'ap-south'];
const plans = ['free', 'team', 'pro', 'enterprise'];

const contextFields = [
    { name: 'region', description: 'Where the user is', stickiness: false,
      legalValues: regions.map((value) => ({ value })) },
    { name: 'plan', description: 'What the customer pays for',
      stickiness: false, legalValues: plans.map((value) => ({ value })) },
];

const userIds = (n, from) =>
    Array.from({ length: n }, (_, i) => String(from + i * 7));

// Segment ids here are the document's own; each server maps them by name.
const segments = [
    { id: 1, name: 'beta-users', description: 'Users in the beta',
      constraints: [{ contextName: 'userId', operator: 'IN',
                      values: userIds(40, 1000), inverted: false,
                      caseInsensitive: false }] },
    { id: 2, name: 'europe', description: 'Users in Europe',
      constraints: [{ contextName: 'region', operator: 'IN',
                      values: ['eu-west', 'eu-north'], inverted: false,
                      caseInsensitive: false }] },
    { id: 3, name: 'paying', description: 'Paying customers',
      constraints: [{ contextName: 'plan', operator: 'IN',
                      values: ['team', 'pro', 'enterprise'],
                      inverted: false, caseInsensitive: false }] },
    { id: 4, name: 'staff', description: 'Our own people',
      constraints: [{ contextName: 'email', operator: 'STR_ENDS_WITH',
                      values: ['@example.com'], inverted: false,
                      caseInsensitive: true }] },
];

// One constraint of a kind SDKs see often.
const constraint = () => {
    switch (between(0, 4)) {
    case 0:
        return { contextName: 'region', operator: 'IN',
                 values: regions.filter(() => rnd() < 0.5).concat('eu-west'),
                 inverted: false, caseInsensitive: false };
    case 1:
        return { contextName: 'plan', operator: 'NOT_IN', values: ['free'],
                 inverted: false, caseInsensitive: false };
    case 2:
        return { contextName: 'userId', operator: 'IN',
                 values: userIds(between(5, 30), between(1, 500)),
                 inverted: false, caseInsensitive: false };
    case 3:
        return { contextName: 'appName', operator: 'STR_STARTS_WITH',
                 values: ['web-', 'mobile-'], inverted: false,
                 caseInsensitive: false };
    default:
        return { contextName: 'currentTime', operator: 'DATE_AFTER',
                 value: '2024-01-01T00:00:00.000Z', values: [],
                 inverted: false, caseInsensitive: false };
    }
};

// Two or three variants whose weights add up to 1000.
const variants = (flag) => {
    const n = between(2, 3);
    const names = ['control', 'blue', 'green'].slice(0, n);
    let left = 1000;
    return names.map((name, i) => {
        const weight = i === n - 1 ? left : Math.floor(1000 / n);
        left -= weight;
        return { name, weight, weightType: 'variable', stickiness: 'default',
                 payload: { type: 'json',
                            value: JSON.stringify({ flag, colour: name }) } };
    });
};

const featureDocument = (project) => {
    // The document names segments by id and name only; both servers
    // already have them (created through the segments API).
    const doc = { features: [], featureStrategies: [],
                  featureEnvironments: [],
                  segments: segments.map(({ id, name }) => ({ id, name })),
                  contextFields,
                  featureTags: [], tagTypes: [], dependencies: [] };
    for (let i = 1; i <= perProject; i++) {
        const name = `${project}-flag-${String(i).padStart(3, '0')}`;
        doc.features.push({ name, project,
                            type: pick(['release', 'experiment',
                                        'operational', 'permission']),
                            description: `Flag ${i} of ${project}`,
                            impressionData: rnd() < 0.1, stale: false });
        const strategies = between(1, 3);
        for (let s = 0; s < strategies; s++) {
            const constraints = Array.from({ length: between(0, 2) },
                                           constraint);
            const segs = rnd() < 0.3 ? [between(1, segments.length)] : [];
            doc.featureStrategies.push({
                featureName: name, name: 'flexibleRollout',
                title: `rollout ${s + 1}`,
                parameters: { rollout: String(pick([5, 10, 25, 50, 100])),
                              stickiness: 'default', groupId: name },
                constraints, segments: segs,
                variants: rnd() < 0.35 ? variants(name) : [],
                sortOrder: s, disabled: false,
            });
        }
        doc.featureEnvironments.push({ name, featureName: name,
                                       environment,
                                       enabled: rnd() < 0.85,
                                       variants: [] });
    }
    return doc;
};

for (const field of contextFields) {
    writeFileSync(join(outDir, `context-${field.name}.json`),
                  JSON.stringify(field));
}
for (const seg of segments) {
    const { id, ...body } = seg;
    writeFileSync(join(outDir, `segment-${id}.json`), JSON.stringify(body));
}
for (const project of projects) {
    writeFileSync(join(outDir, `import-${project}.json`),
                  JSON.stringify({ project, environment,
                                   data: featureDocument(project) }));
}
