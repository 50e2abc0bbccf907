// The Unleash client specification against Vexil: every case of every
// specification file, answered three ways, each of which must give the
// expected result:
//   - the Node SDK (unleash-client) evaluating flags it fetched from
//     Vexil's client API;
//   - Vexil's frontend API, with the context in the query string (GET)
//     and in the body (POST);
//   - the browser SDK (unleash-proxy-client), run in Node against the
//     frontend API, for a sample of cases.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Unleash, InMemStorageProvider } from 'unleash-client';
import { UnleashClient, InMemoryStorageProvider } from 'unleash-proxy-client';
import { startVexil, CLIENT, FRONTEND } from './lib/vexil.mjs';
import { specifications, loadSpec } from './lib/spec.mjs';

const STANDARD = ['userId', 'sessionId', 'remoteAddress', 'environment',
  'appName', 'currentTime'];

// The query string of a context for GET /api/frontend.
function query(context) {
  const q = new URLSearchParams();
  for (const k of STANDARD) {
    if (context[k] !== undefined) q.append(k, String(context[k]));
  }
  for (const [k, v] of Object.entries(context.properties || {})) {
    q.append(k, String(v));
  }
  return q.toString();
}

// What the frontend API says of one flag: enabled and variant.
function fromToggles(body, name) {
  const t = (body.toggles || []).find((x) => x.name === name);
  if (!t) {
    return { enabled: false,
      variant: { name: 'disabled', enabled: false, feature_enabled: false } };
  }
  return { enabled: t.enabled, variant: t.variant };
}

// Compare a variant with the expected one, field by field as the
// specification gives them.
function checkVariant(actual, expected, how) {
  assert.equal(actual.name, expected.name, `${how}: variant name`);
  assert.equal(actual.enabled, expected.enabled, `${how}: variant enabled`);
  if (expected.payload !== undefined) {
    assert.deepEqual(actual.payload, expected.payload, `${how}: payload`);
  }
  if (expected.feature_enabled !== undefined) {
    const fe = actual.feature_enabled ?? actual.featureEnabled;
    assert.equal(fe, expected.feature_enabled, `${how}: feature_enabled`);
  }
}

for (const spec of specifications()) {
  describe(spec.name, () => {
    let vexil;
    let sdk;
    let unloadable = new Map();

    before(async () => {
      vexil = await startVexil();
      unloadable = await loadSpec(vexil, spec);
      sdk = new Unleash({
        url: `${vexil.base}/api/`, appName: 'compat-spec',
        customHeaders: { Authorization: CLIENT },
        disableMetrics: true, refreshInterval: 60_000,
        storageProvider: new InMemStorageProvider(),
        skipInstanceCountWarning: true,
      });
      sdk.on('error', () => {});
      await once(sdk, 'synchronized');
    });

    after(async () => {
      sdk?.destroy();
      await vexil?.stop();
    });

    const ask = async (context) => {
      const get = await vexil.request('GET', `/api/frontend?${query(context)}`,
        { token: FRONTEND });
      const post = await vexil.request('POST', '/api/frontend',
        { token: FRONTEND, body: { context } });
      assert.equal(get.status, 200, JSON.stringify(get.body));
      assert.equal(post.status, 200, JSON.stringify(post.body));
      return { get: get.body, post: post.body };
    };

    for (const [i, tc] of (spec.tests || []).entries()) {
      const skip = unloadable.get(tc.toggleName);
      it(tc.description, { skip: skip && `not loadable: ${skip}` },
        async () => {
          const ctx = tc.context || {};
          assert.equal(sdk.isEnabled(tc.toggleName, ctx), tc.expectedResult,
            'Node SDK');
          const fe = await ask(ctx);
          assert.equal(fromToggles(fe.get, tc.toggleName).enabled,
            tc.expectedResult, 'frontend API, GET');
          assert.equal(fromToggles(fe.post, tc.toggleName).enabled,
            tc.expectedResult, 'frontend API, POST');
          if (i < 3) {
            const browser = new UnleashClient({
              url: `${vexil.base}/api/frontend`, clientKey: FRONTEND,
              appName: 'compat-browser', context: ctx,
              disableRefresh: true, disableMetrics: true,
              storageProvider: new InMemoryStorageProvider(),
            });
            await browser.start();
            assert.equal(browser.isEnabled(tc.toggleName), tc.expectedResult,
              'browser SDK');
            browser.stop();
          }
        });
    }

    for (const tc of spec.variantTests || []) {
      const skip = unloadable.get(tc.toggleName);
      it(`variant: ${tc.description}`,
        { skip: skip && `not loadable: ${skip}` }, async () => {
          const ctx = tc.context || {};
          checkVariant(sdk.getVariant(tc.toggleName, ctx), tc.expectedResult,
            'Node SDK');
          const fe = await ask(ctx);
          checkVariant(fromToggles(fe.get, tc.toggleName).variant,
            tc.expectedResult, 'frontend API, GET');
          checkVariant(fromToggles(fe.post, tc.toggleName).variant,
            tc.expectedResult, 'frontend API, POST');
        });
    }
  });
}
