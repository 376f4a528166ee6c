/**
 * `fieldplan serve --tls-cert --tls-key --cors-origin` as a user runs it: HTTPS with a
 * throwaway self-signed certificate (made with the openssl CLI; the TLS tests are skipped,
 * and say so, where openssl is not installed), TLS 1.1 refused by the server and TLS 1.2 and
 * 1.3 accepted; CORS open to the listed origin only, and closed to every origin by default.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, type SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli, startWorld, tempDir, type World } from '../pipeline/support/world.ts';
import { startApiWorld, type ApiWorld } from './support/api-world.ts';

const ALLOWED = 'https://dispatch.example.com';
const OTHER = 'https://elsewhere.example';

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;

/** A self-signed certificate for localhost and 127.0.0.1, valid for a day. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a certificate: ${r.stderr}`);
  return { cert, key };
}

/** A TLS handshake pinned to one protocol version: the version agreed, or the error code. */
function handshake(
  port: number,
  ca: Buffer,
  version: SecureVersion,
): Promise<{ protocol: string | null } | { error: string }> {
  return new Promise((resolve) => {
    const socket = connect(
      {
        host: '127.0.0.1',
        port,
        ca,
        servername: 'localhost',
        minVersion: version,
        maxVersion: version,
        // Lets this client offer TLS 1.1 at all (OpenSSL 3 refuses it at its default level),
        // so a refusal is the server's.
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
      () => {
        const protocol = socket.getProtocol();
        socket.end();
        resolve({ protocol });
      },
    );
    socket.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}

/** GET over HTTPS trusting only the test certificate. */
function httpsGet(
  url: string,
  ca: Buffer,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers, servername: 'localhost' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!hasOpenssl)(
  `serve over TLS with a certificate${hasOpenssl ? '' : ' (skipped: the openssl CLI is not installed)'}`,
  () => {
    let world: World;
    let child: ChildProcess | undefined;
    let url: string;
    let ca: Buffer;
    let keyFile: string;
    let token: string;

    beforeAll(async () => {
      world = await startWorld();
      const dir = tempDir('fieldplan-api-tls-');
      const files = selfSignedCertificate(dir);
      ca = readFileSync(files.cert);
      keyFile = files.key;
      const db = join(dir, 'fieldplan.db');
      const created = await runCli(['token', 'create', '--scope', 'viewer', '--db', db], cliEnv());
      expect(created.status, created.stderr).toBe(0);
      token = created.stdout.trim();
      const bin = join(import.meta.dirname, '../../bin/fieldplan.js');
      const proc = spawn(
        process.execPath,
        [
          bin,
          'serve',
          '--port',
          '0',
          '--endpoint',
          world.sandbox.url,
          '--db',
          db,
          '--rate-limits',
          'off',
          '--tls-cert',
          files.cert,
          '--tls-key',
          files.key,
          '--cors-origin',
          ALLOWED,
        ],
        { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child = proc;
      url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        proc.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /fieldplan API at (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
        proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
      });
    });
    afterAll(async () => {
      child?.kill('SIGTERM');
      await world?.close();
    });

    it('serves HTTPS with the given certificate', async () => {
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const health = await httpsGet(`${url}/health`, ca);
      expect(health.status).toBe(200);
      const plans = await httpsGet(`${url}/v1/plans`, ca, { authorization: `Bearer ${token}` });
      expect(plans.status).toBe(200);
      expect(JSON.parse(plans.body)).toEqual({ plans: [] });
    });

    it('refuses TLS 1.1 and accepts TLS 1.2 and 1.3', async (t) => {
      const port = Number(new URL(url).port);
      // Control: this client can speak TLS 1.1 to a server that allows it (else the refusal
      // below would prove nothing about the API server).
      const lenient = createServer(
        { cert: ca, key: readFileSync(keyFile), minVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
        (_req, res) => res.end(),
      );
      await new Promise<void>((resolve) => lenient.listen(0, '127.0.0.1', resolve));
      const control = await handshake((lenient.address() as AddressInfo).port, ca, 'TLSv1.1');
      await new Promise((resolve) => lenient.close(resolve));
      if (!('protocol' in control))
        t.skip(`this Node's OpenSSL cannot speak TLS 1.1 at all (${control.error})`);
      expect(control).toEqual({ protocol: 'TLSv1.1' });
      // The server answers a TLS 1.1 hello with a protocol_version alert.
      expect(await handshake(port, ca, 'TLSv1.1')).toEqual({ error: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' });
      expect(await handshake(port, ca, 'TLSv1.2')).toEqual({ protocol: 'TLSv1.2' });
      expect(await handshake(port, ca, 'TLSv1.3')).toEqual({ protocol: 'TLSv1.3' });
    });

    it('allows the origin given with --cors-origin and no other', async () => {
      const preflight = (origin: string) =>
        httpsGet(
          `${url}/v1/plans`,
          ca,
          {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
          'OPTIONS',
        );
      const allowed = await preflight(ALLOWED);
      expect(allowed.status).toBeLessThan(300);
      expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
      const read = await httpsGet(`${url}/v1/plans`, ca, {
        origin: ALLOWED,
        authorization: `Bearer ${token}`,
      });
      expect(read.status).toBe(200);
      expect(read.headers['access-control-allow-origin']).toBe(ALLOWED);

      const other = await preflight(OTHER);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const otherRead = await httpsGet(`${url}/v1/plans`, ca, {
        origin: OTHER,
        authorization: `Bearer ${token}`,
      });
      expect(otherRead.headers['access-control-allow-origin']).toBeUndefined();
    });
  },
);

describe('CORS', () => {
  let closed: ApiWorld;
  let open: ApiWorld;
  beforeAll(async () => {
    closed = await startApiWorld();
    open = await startApiWorld({ api: { server: { corsOrigins: [ALLOWED] } } });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  it('is closed by default: no origin gets Access-Control-Allow-Origin', async () => {
    for (const origin of [OTHER, ALLOWED, 'null']) {
      const preflight = await closed.call('OPTIONS', '/v1/plans', {
        token: null,
        headers: { origin, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin'), origin).toBeNull();
      const read = await closed.call('GET', '/v1/plans', { headers: { origin } });
      expect(read.status).toBe(200);
      expect(read.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('answers an allow-listed origin, and only that one', async () => {
    const preflight = await open.call('OPTIONS', '/v1/board', {
      token: null,
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const read = await open.call('GET', '/v1/plans', { headers: { origin: ALLOWED } });
    expect(read.headers.get('access-control-allow-origin')).toBe(ALLOWED);

    for (const origin of [
      OTHER,
      'https://dispatch.example.com.evil.example',
      'http://dispatch.example.com',
    ]) {
      const other = await open.call('GET', '/v1/plans', { headers: { origin } });
      expect(other.status).toBe(200);
      expect(other.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });
});
