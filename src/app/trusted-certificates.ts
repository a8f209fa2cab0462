import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in a data dir that holds a private CA's certificates (PEM), trusted besides the usual roots. */
export const CA_FILE = 'ca.pem';

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/** The file's text, or '' when there is none or it cannot be read (a directory, no permission): Node too only warns then. */
function readIfExists(file: string | undefined): string {
  try {
    return file ? readFileSync(file, 'utf8') : '';
  } catch {
    return '';
  }
}

/**
 * A cloud behind a company's own CA: its certificate in `<dataDir>/ca.pem`.
 * A file and not NODE_EXTRA_CA_CERTS, which the packaged app ignores (its
 * nodeOptions fuse is off, decision 55). A CA list of our own replaces
 * Node's whole store, so the certificates NODE_EXTRA_CA_CERTS names (the
 * CLI still reads it) come too. Read at each use, so a file put there takes
 * effect without a restart; undefined when it holds no certificate.
 */
export function extraCertificates(dataDir: string): string[] | undefined {
  const own = readIfExists(join(dataDir, CA_FILE));
  if (!own.includes(PEM_CERTIFICATE)) return undefined;
  const fromEnvironment = readIfExists(process.env.NODE_EXTRA_CA_CERTS);
  return fromEnvironment.includes(PEM_CERTIFICATE) ? [own, fromEnvironment] : [own];
}
