import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

const ROOT = join(__dirname, '..', '..');

describe('the installers electron-builder makes (electron-builder.yml)', () => {
  it("is a configuration electron-builder accepts, with Electron's fuses locked down", async () => {
    const config = await getConfig(ROOT, null, null);
    await validateConfiguration(config, new DebugLogger(false));
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    assert.equal(config.asar, true);
  });

  it("signs macOS builds with a hardened runtime and the project's own, minimal entitlements", async () => {
    const config = await getConfig(ROOT, null, null);
    assert.equal(config.mac?.hardenedRuntime, true);
    for (const file of [config.mac?.entitlements, config.mac?.entitlementsInherit]) {
      assert.ok(file && existsSync(join(ROOT, file)), `${file} exists`);
    }
  });
});
