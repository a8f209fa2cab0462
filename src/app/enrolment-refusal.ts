import { ValidationError } from '../domain/validation-error';
import type { SyncFailure } from '../sync/sync-failure';

/**
 * Why an enrolment could not reach a cloud that takes the token, as an
 * error on the field to change: the address (nothing answers, or not a
 * SiteSync cloud) or the token (unknown or revoked). The app shows it under
 * that field, the CLI prints it; nothing is written either way.
 */
export function enrolmentRefusal(url: string, failure: SyncFailure, caFile: string): ValidationError {
  const onCloud = (message: string) => new ValidationError([{ field: 'cloud', message }]);
  switch (failure.kind) {
    case 'unauthorized':
      return new ValidationError([{ field: 'token', message: 'expected a token this cloud knows: it does not know this one, or it was revoked; ask for a new one (`sitesync cloud enroll`)' }]);
    case 'offline':
      if (failure.untrustedCertificate) {
        return onCloud(`expected a cloud whose certificate this PC trusts: the one at ${url} answered, but its TLS certificate is not trusted (${failure.code}); put its CA certificate (PEM) in ${caFile}, or fix the certificate`);
      }
      return onCloud(`expected a SiteSync cloud at ${url}: nothing answers there (${failure.code ?? failure.message}); check the address and that the cloud runs`);
    case 'upgrade':
      return onCloud(`expected a cloud this app can talk to: the one at ${url} needs a newer SiteSync app`);
    case 'server':
      return failure.status === undefined
        ? onCloud(`expected a SiteSync cloud at ${url}: what answers there does not speak SiteSync's protocol`)
        : onCloud(`expected a working SiteSync cloud at ${url}: it failed (${failure.message}); try again later`);
    default:
      return onCloud(`expected a SiteSync cloud at ${url}: ${failure.message.replace(/^cloud answered/, 'the server there answered')}`);
  }
}
