// The Unleash client specification against Vexil: every case of every
// specification file, answered three ways, each of which must give the
// expected result:
//   - the Node SDK (unleash-client) evaluating flags it fetched from
//     Vexil's client API;
//   - Vexil's frontend API, with the context in the query string (GET)
//     and in the body (POST);
//   - the browser SDK (unleash-proxy-client), run in Node against the
//     frontend API, for a sample of cases.
// A case whose flag Vexil refuses to store (an unknown operator, a
// missing segment or parent, a chain of dependencies, a name that is not
// URL-safe) is skipped with that reason; tests/unit/check_spec.c still
// runs it against the evaluation engine directly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Unleash, InMemStorageProvider } from 'unleash-client';
import { UnleashClient, InMemoryStorageProvider } from 'unleash-proxy-client';
import { startVexil, CLIENT, FRONTEND } from './lib/vexil.mjs';
import { specifications, loadSpec, unloadableOf, stateOf }
  from './lib/spec.mjs';

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

// Whether a flag of the specification looks at the caller's address.
// The frontend API fills a context without remoteAddress with the
// caller's address, as Unleash's does, so such a flag's "no address"
// cases cannot be asked through it.
function usesRemoteAddress(spec, name) {
  const f = (stateOf(spec).state.features || []).find((x) => x.name === name);
  return (f?.strategies || []).some((s) => s.name === 'remoteAddress' ||
    (s.constraints || []).some((c) => c.contextName === 'remoteAddress'));
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
    const unloadable = unloadableOf(spec);

    before(async () => {
      vexil = await startVexil();
      await loadSpec(vexil, spec);
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

    // The browser SDK gives a context without a sessionId a random one,
    // so for such a context it is checked against the frontend API's
    // answer for the same context with a fixed sessionId, and against
    // the specification otherwise.
    const askBrowser = async (tc, ctx) => {
      const own = ctx.sessionId !== undefined;
      const bctx = own ? ctx : { ...ctx, sessionId: 'browser-session' };
      const expected = own ? tc.expectedResult : fromToggles(
        (await ask(bctx)).get, tc.toggleName).enabled;
      const browser = new UnleashClient({
        url: `${vexil.base}/api/frontend`, clientKey: FRONTEND,
        appName: 'compat-browser', context: bctx,
        disableRefresh: true, disableMetrics: true,
        storageProvider: new InMemoryStorageProvider(),
      });
      await browser.start();
      assert.equal(browser.isEnabled(tc.toggleName), expected,
        'browser SDK');
      browser.stop();
    };

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
      const ctx = tc.context || {};
      const noAddress = ctx.remoteAddress === undefined &&
        usesRemoteAddress(spec, tc.toggleName);
      it(tc.description, { skip: skip && `not loadable: ${skip}` },
        async (t) => {
          assert.equal(sdk.isEnabled(tc.toggleName, ctx), tc.expectedResult,
            'Node SDK');
          if (noAddress) {
            t.diagnostic('frontend API not asked: it fills a missing ' +
              "remoteAddress with the caller's address");
            return;
          }
          const fe = await ask(ctx);
          assert.equal(fromToggles(fe.get, tc.toggleName).enabled,
            tc.expectedResult, 'frontend API, GET');
          assert.equal(fromToggles(fe.post, tc.toggleName).enabled,
            tc.expectedResult, 'frontend API, POST');
          if (i < 3) await askBrowser(tc, ctx);
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
