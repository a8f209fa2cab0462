import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCloudProcess, type CloudProcess } from '../support/cloud-process';
import { tempDir } from '../support/temp-dir';
import { createTestCloudDb, type TestCloudDb } from '../support/test-cloud-db';

const BIN = join(__dirname, '..', '..', 'bin', 'sitesync.js');

/** Runs the installed `sitesync` bin (the build of src/) as a user would. */
function sitesync(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, SITESYNC_DATA_DIR: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs with --json and parses the one JSON value it must print. */
function json<T = any>(...args: string[]): T {
  const result = sitesync('--json', ...args);
  assert.equal(result.status, 0, `sitesync ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe('the sitesync command', () => {
  const dir = tempDir('sitesync-cli-');
  let store: TestCloudDb;
  let cloudDb = '';
  const pc1 = ['--data-dir', join(dir.path, 'pc1')];
  const pc2 = ['--data-dir', join(dir.path, 'pc2')];
  let server: CloudProcess;
  let url = '';

  before(async () => {
    store = await createTestCloudDb();
    cloudDb = store.target;
    server = await startCloudProcess(cloudDb);
    url = server.url;
  });

  after(async () => {
    await server.stop();
    await store.drop();
    dir.remove();
  });

  it('keeps --json to one JSON value for usage errors and the version too', () => {
    const usage = sitesync('--json', 'device', 'add', '--frob', 'x');
    assert.equal(usage.status, 2);
    assert.equal(usage.stdout, '');
    assert.deepEqual(JSON.parse(usage.stderr), { error: { code: 'usage', message: "unknown option '--frob'" } });
    const group = sitesync('--json', 'device');
    assert.equal(group.status, 2);
    assert.equal(group.stdout, '');
    assert.deepEqual(JSON.parse(group.stderr), { error: { code: 'usage', message: 'expected a subcommand; `--help` lists them' } }, 'one JSON value, no help text');
    const version = sitesync('--json', '--version');
    assert.equal(version.status, 0);
    assert.match(JSON.parse(version.stdout), /^\d+\.\d+\.\d+/);
  });

  it('sync of a data dir never enrolled fails on stderr, and prints nothing on stdout', () => {
    const result = sitesync('--json', '--data-dir', join(dir.path, 'never-enrolled'), 'sync');
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.match(JSON.parse(result.stderr).error.message, /not enrolled: run `sitesync init/);
  });

  it('a first init that fails leaves no data dir behind; one that fails on a data dir in use leaves it as it was', () => {
    const fresh = join(dir.path, 'never-made');
    const refused = sitesync('--data-dir', fresh, 'init', '--cloud', 'http://127.0.0.1:1', '--token', 'sst_0123456789abcdef0123');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /cloud: expected a SiteSync cloud at http:\/\/127\.0\.0\.1:1: nothing answers there/);
    assert.equal(existsSync(fresh), false);

    const inUse = join(dir.path, 'in-use');
    json('--data-dir', inUse, 'status');
    assert.equal(sitesync('--data-dir', inUse, 'init', '--cloud', 'http://127.0.0.1:1', '--token', 'sst_0123456789abcdef0123').status, 1);
    assert.equal(existsSync(join(inUse, 'sitesync.db')), true, 'a database it did not make is kept');
  });

  it('a cloud command other than serve and enroll refuses a database file that does not exist, and creates none', () => {
    const missing = join(dir.path, 'typo.db');
    const result = sitesync('--json', 'cloud', '--db', missing, 'sites');
    assert.equal(result.status, 1);
    assert.match(JSON.parse(result.stderr).error.message, /^db: expected an existing cloud database: .*typo\.db does not exist/);
    assert.equal(existsSync(missing), false);
  });

  it('an instance name on two lines is refused naming the field', () => {
    const result = sitesync('--json', 'cloud', '--db', cloudDb, 'enroll', '--site', 'hq', '--name', 'front\ndesk');
    assert.equal(result.status, 1);
    assert.match(JSON.parse(result.stderr).error.message, /^name: expected text of at most 200 characters on one line, without tabs, line breaks/);
  });

  it('prints help and exits 0; a usage error exits 2', () => {
    const help = sitesync('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /device/);
    assert.equal(sitesync('frobnicate').status, 2);
    assert.equal(sitesync('cloud', '--db', cloudDb, 'enroll').status, 2, '--site is required');
    assert.equal(sitesync(...pc1, 'sync', '--push-only', '--pull-only').status, 2);
    assert.equal(sitesync(...pc1, 'log', '--limit', 'lots').status, 2);
  });

  it('enrols two instances with tokens shown once', () => {
    const first = json('cloud', '--db', cloudDb, 'enroll', '--site', 'hq', '--name', 'front desk');
    assert.match(first.token, /^sst_/);
    assert.equal(first.siteId, 'hq');
    const status = json(...pc1, 'init', '--cloud', url, '--token', first.token);
    assert.equal(status.siteId, 'hq');
    assert.equal(status.connection, 'online');
    json(...pc2, 'init', '--cloud', url, '--token', json('cloud', '--db', cloudDb, 'enroll', '--site', 'hq').token);
  });

  it('refuses a bad MAC naming the field, exits 1 and writes nothing', () => {
    const result = sitesync(...pc1, 'device', 'add', '--mac', 'not-a-mac');
    assert.equal(result.status, 1);
    assert.match(result.stderr, /mac: expected a MAC address/);
    assert.equal(result.stdout, '');
    assert.deepEqual(json(...pc1, 'device', 'list', '--all'), []);
  });

  it('adds, edits, syncs and shows devices with exactly one JSON value on stdout', () => {
    const added = json(...pc1, 'device', 'add', '--mac', 'AA-BB-CC-00-04-01', '--ip', '10.4.0.1', '--hostname', 'core-sw', '--asset-tag', 'A-401');
    assert.equal(added.mac, 'aa:bb:cc:00:04:01');
    assert.equal(added.siteId, 'hq');
    assert.deepEqual(Object.keys(added).sort(), ['assetTag', 'createdAt', 'deletedAt', 'hostname', 'ip', 'location', 'mac', 'model', 'notes', 'serial', 'siteId', 'status', 'updatedAt', 'uuid', 'vendor'].sort());
    const edited = json(...pc1, 'device', 'edit', added.uuid, '--location', 'rack 4');
    assert.equal(edited.location, 'rack 4');
    assert.equal(edited.ip, '10.4.0.1', 'unnamed fields unchanged');

    const outcome = json(...pc1, 'sync');
    assert.deepEqual(Object.keys(outcome).sort(), ['pull', 'push']);
    assert.equal(outcome.push.status, 'ok');
    assert.equal(outcome.push.applied, 1);
    json(...pc2, 'sync');
    assert.equal(json(...pc2, 'device', 'show', added.uuid).location, 'rack 4');
    assert.equal(json('cloud', '--db', cloudDb, 'device', 'list', '--site', 'hq').length, 1);
  });

  it('opens a conflict and resolves it with --set', () => {
    const [device] = json(...pc1, 'device', 'list');
    json(...pc1, 'device', 'edit', device.uuid, '--hostname', 'core-sw-a');
    json(...pc2, 'device', 'edit', device.uuid, '--hostname', 'core-sw-b');
    json(...pc1, 'sync');
    const partial = json(...pc2, 'sync');
    assert.equal(partial.push.conflicts, 1);
    const [conflict] = json(...pc2, 'conflicts', 'list');
    assert.deepEqual(conflict.fields, ['hostname']);
    assert.equal(sitesync(...pc2, 'conflicts', 'resolve', String(conflict.id)).status, 2, 'a resolution is required');

    // The cloud moves on and a pull brings it in while the technician decides against what they listed.
    json(...pc1, 'device', 'edit', device.uuid, '--hostname', 'core-sw-c');
    json(...pc1, 'sync');
    json(...pc2, 'sync', '--pull-only');
    const stale = sitesync(...pc2, 'conflicts', 'resolve', String(conflict.id), '--set', 'hostname=core-sw', '--remote-version', String(conflict.remoteVersion));
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /remoteVersion: expected the cloud version conflict \d+ holds now/);
    const [refreshed] = json(...pc2, 'conflicts', 'list');
    assert.equal(refreshed.remote.hostname, 'core-sw-c');
    assert.equal(refreshed.resolvedAt, null, 'nothing written');

    const undisputed = sitesync(...pc2, 'conflicts', 'resolve', String(conflict.id), '--pick', 'asset-tag=local');
    assert.equal(undisputed.status, 1, 'a field spelt as its flag is understood, and refused: nobody disputes it');
    assert.match(undisputed.stderr, /assetTag: expected a choice for a disputed field \(hostname\)/);
    const resolved = json(...pc2, 'conflicts', 'resolve', String(conflict.id), '--set', 'hostname=core-sw', '--remote-version', String(refreshed.remoteVersion));
    assert.ok(resolved.resolvedAt);
    json(...pc2, 'sync');
    json(...pc1, 'sync');
    assert.equal(json(...pc1, 'device', 'show', device.uuid).hostname, 'core-sw');
    assert.deepEqual(json(...pc2, 'conflicts', 'list'), []);
  });

  it('deletes as a tombstone shown only with --all', () => {
    const [device] = json(...pc1, 'device', 'list');
    const tombstone = json(...pc1, 'device', 'delete', device.uuid);
    assert.ok(tombstone.deletedAt);
    assert.equal(tombstone.hostname, null);
    assert.deepEqual(json(...pc1, 'device', 'list'), []);
    assert.equal(json(...pc1, 'device', 'list', '--all').length, 1);
  });

  it('keeps a log of attempts and a status object of the contract', () => {
    const log = json(...pc1, 'log', '--limit', '2');
    assert.equal(log.length, 2);
    assert.deepEqual(Object.keys(log[0]).sort(), ['applied', 'conflicts', 'direction', 'error', 'finishedAt', 'id', 'received', 'rejected', 'sent', 'skipped', 'startedAt', 'status', 'trigger'].sort());
    assert.ok(log[0].id > log[1].id, 'newest first');
    const status = json(...pc1, 'status');
    for (const key of ['role', 'siteId', 'instanceId', 'cloudUrl', 'connection', 'lastPushAt', 'lastPullAt', 'pendingChanges', 'openConflicts', 'cloud']) assert.ok(key in status, key);
    assert.equal(status.tokenProtection, 'file', 'the CLI keeps the token in a file only its user can read');
    assert.equal(status.role, 'local');
    assert.equal(status.pendingChanges, 1, 'the delete waits for the next sync');
  });

  it('a revoked instance is refused at once: sync exits 1 and status says unauthorized', () => {
    const me = json(...pc1, 'status').instanceId;
    const revoked = json('cloud', '--db', cloudDb, 'revoke', me);
    assert.equal(revoked.instanceId, me);
    const result = sitesync('--json', ...pc1, 'sync');
    assert.equal(result.status, 1);
    const attempts = JSON.parse(result.stdout);
    assert.deepEqual([attempts.push.status, attempts.pull], ['error', null], 'the attempts on stdout, null for the pull not made');
    assert.deepEqual(JSON.parse(result.stderr).error.code, 'unauthorized', 'the failure on stderr');
    assert.match(JSON.parse(result.stderr).error.message, /^push failed: cloud answered 401: unknown or revoked token/);
    assert.equal(json(...pc1, 'status').connection, 'unauthorized');
    const sites = json('cloud', '--db', cloudDb, 'sites');
    assert.equal(sites.length, 2);
    assert.ok(sites.find((s: { instanceId: string }) => s.instanceId === me).revokedAt);
    assert.ok(sites.every((s: Record<string, unknown>) => !('tokenHash' in s)), 'no token hash leaves the cloud');
  });
});
