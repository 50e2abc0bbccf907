// The Node SDK (unleash-client) as a service would run it against Vexil:
// it sees admin changes on its next poll, an unchanged poll is answered
// 304, its registration and usage metrics reach the admin metrics
// endpoints, and a project-scoped token keeps other projects' flags out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Unleash, InMemStorageProvider } from 'unleash-client';
import { startVexil, CLIENT } from './lib/vexil.mjs';

const P = '/api/admin/projects/default';

// Start an SDK polling every interval ms; resolves once it has flags.
async function sdkFor(vexil, token, opts = {}) {
  const sdk = new Unleash({
    url: `${vexil.base}/api/`, appName: 'compat-updates',
    instanceId: 'compat-1', customHeaders: { Authorization: token },
    refreshInterval: 200, disableMetrics: true,
    storageProvider: new InMemStorageProvider(),
    skipInstanceCountWarning: true, ...opts,
  });
  sdk.on('error', () => {});
  await once(sdk, 'synchronized');
  return sdk;
}

// Wait until check() is true, polling; fails after a bounded number of
// tries (the SDK polls every 200 ms).
async function eventually(check, what) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`never happened: ${what}`);
}

test('the SDK sees a toggle on its next poll', async () => {
  const vexil = await startVexil({ VEXIL_LOG_LEVEL: 'info' });
  try {
    await vexil.admin('POST', `${P}/features`, { name: 'live-switch' });
    const sdk = await sdkFor(vexil, CLIENT);
    assert.equal(sdk.isEnabled('live-switch'), false);
    // Its polls of an unchanged flag set are answered 304.
    await eventually(() => /path="\/api\/client\/features" status=304/
      .test(vexil.log()), 'a 304 answer to an SDK poll');
    await vexil.admin('POST',
      `${P}/features/live-switch/environments/development/on`);
    await eventually(() => sdk.isEnabled('live-switch'), 'flag turned on');
    await vexil.admin('POST',
      `${P}/features/live-switch/environments/development/off`);
    await eventually(() => !sdk.isEnabled('live-switch'), 'flag turned off');
    sdk.destroy();
  } finally {
    await vexil.stop();
  }
});

test('an unchanged poll is answered 304 with the same ETag', async () => {
  const vexil = await startVexil();
  try {
    await vexil.admin('POST', `${P}/features`, { name: 'steady' });
    const first = await vexil.request('GET', '/api/client/features',
      { token: CLIENT });
    assert.equal(first.status, 200);
    const etag = first.headers.get('etag');
    assert.match(etag, /^"[^"]+"$/);
    const again = await vexil.request('GET', '/api/client/features',
      { token: CLIENT, headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.body, null);
    await vexil.admin('POST', `${P}/features`, { name: 'steady-2' });
    const changed = await vexil.request('GET', '/api/client/features',
      { token: CLIENT, headers: { 'If-None-Match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
  } finally {
    await vexil.stop();
  }
});

test('SDK registration and metrics reach the admin endpoints', async () => {
  const vexil = await startVexil({ VEXIL_METRICS_FLUSH_SECONDS: '1' });
  try {
    await vexil.admin('POST', `${P}/features`, { name: 'counted' });
    await vexil.admin('POST',
      `${P}/features/counted/environments/development/on`);
    const sdk = await sdkFor(vexil, CLIENT,
      { disableMetrics: false, metricsInterval: 300 });
    for (let i = 0; i < 5; i++) sdk.isEnabled('counted', { userId: `${i}` });
    await eventually(async () => {
      const r = await vexil.request('GET',
        '/api/admin/client-metrics/features/counted/raw?hoursBack=1');
      const yes = (r.body?.data || []).reduce((n, d) => n + d.yes, 0);
      return yes >= 5;
    }, 'five yes counts for the flag');
    const apps = await vexil.admin('GET', '/api/admin/metrics/applications');
    assert.ok(apps.applications.some((a) => a.appName === 'compat-updates'),
      'the SDK registered its application');
    sdk.destroy();
  } finally {
    await vexil.stop();
  }
});

test('a project-scoped client token sees only its project', async () => {
  const scoped = 'default:development.compat-scoped-secret-0123456789';
  const vexil = await startVexil({ VEXIL_INIT_CLIENT_TOKENS:
    `${CLIENT},${scoped}` });
  try {
    await vexil.admin('POST', '/api/admin/projects',
      { id: 'other', name: 'Other' });
    await vexil.admin('POST', `${P}/features`, { name: 'mine' });
    await vexil.admin('POST', '/api/admin/projects/other/features',
      { name: 'theirs' });
    const sdk = await sdkFor(vexil, scoped);
    const names = sdk.getFeatureToggleDefinitions().map((f) => f.name);
    assert.deepEqual(names, ['mine']);
    sdk.destroy();
  } finally {
    await vexil.stop();
  }
});
