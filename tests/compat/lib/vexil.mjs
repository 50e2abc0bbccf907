// Start and stop a real vexil server for a test, and talk to its admin
// API. Each server gets a fresh database in a temporary folder, a free
// port, and known admin, client and frontend tokens.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ADMIN = '*:*.compat-admin-secret-0123456789';
export const CLIENT = '*:development.compat-client-secret-0123456789';
export const FRONTEND = '*:development.compat-frontend-secret-012345678';

export async function startVexil(extraEnv = {}) {
  const bin = process.env.VEXIL_BIN;
  if (!bin) throw new Error('VEXIL_BIN is not set');
  const dir = mkdtempSync(join(tmpdir(), 'vexil-compat-'));
  const portFile = join(dir, 'port');
  const env = {
    ...process.env,
    VEXIL_ADMIN_TOKEN: ADMIN,
    VEXIL_INIT_CLIENT_TOKENS: CLIENT,
    VEXIL_INIT_FRONTEND_TOKENS: FRONTEND,
    VEXIL_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const child = spawn(bin, ['serve', '--port', '0', '--port-file', portFile,
    '--db', join(dir, 'vexil.db'), '--threads', '2'],
    { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  for (let i = 0; i < 1000; i++) {
    if (existsSync(portFile)) {
      const port = parseInt(readFileSync(portFile, 'utf8'), 10);
      if (port > 0) return new Vexil(child, dir, port, () => log);
    }
    if (child.exitCode !== null) break;
    await sleep(10);
  }
  child.kill('SIGKILL');
  throw new Error(`vexil did not start: ${log}`);
}

class Vexil {
  constructor(child, dir, port, log) {
    this.child = child;
    this.dir = dir;
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    this.log = log;
  }

  // Send a request; returns { status, headers, body (parsed JSON or text) }.
  async request(method, path, { token = ADMIN, body, headers = {} } = {}) {
    const h = { ...headers };
    if (token) h.Authorization = token;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(this.base + path, {
      method, headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed = text;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* text */ }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  // Like request, but throws unless the status is 2xx.
  async admin(method, path, body) {
    const r = await this.request(method, path, { body });
    if (r.status < 200 || r.status > 299) {
      throw new Error(`${method} ${path} -> ${r.status}: ` +
        JSON.stringify(r.body));
    }
    return r.body;
  }

  async stop() {
    if (this.child.exitCode === null) {
      const done = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await done;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
