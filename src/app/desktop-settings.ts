import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The desktop app's own preferences, beside the database; the CLI ignores them. */
const desktopSettingsSchema = z.object({
  syncIntervalSeconds: z.number().int().positive().catch(60),
  /** The port of this PC's demo cloud, kept so the enrolled URL stays valid across restarts. */
  demoCloudPort: z.number().int().min(1).max(65535).nullable().catch(null),
});

export type DesktopSettings = z.infer<typeof desktopSettingsSchema>;

const DEFAULTS: DesktopSettings = { syncIntervalSeconds: 60, demoCloudPort: null };

export class DesktopSettingsFile {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'desktop-settings.json');
  }

  /** A missing or damaged file means the defaults: a preference is never worth refusing to start over. */
  read(): DesktopSettings {
    if (!existsSync(this.file)) return { ...DEFAULTS };
    try {
      return desktopSettingsSchema.parse({ ...DEFAULTS, ...JSON.parse(readFileSync(this.file, 'utf8')) });
    } catch {
      return { ...DEFAULTS };
    }
  }

  update(changes: Partial<DesktopSettings>): DesktopSettings {
    const settings = { ...this.read(), ...changes };
    writeFileSync(this.file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    return settings;
  }
}
