import { ValidationError, type FieldIssue } from '../domain/validation-error';
import { NotFoundError } from '../domain/not-found-error';
import { SyncFailure } from '../sync/sync-failure';

/** An error as the CLI prints it and the desktop contract answers it: a code to act on and words for a person. */
export function describeError(error: unknown): { code: string; message: string; issues?: FieldIssue[] } {
  if (error instanceof ValidationError) return { code: 'invalid', message: error.message, issues: error.issues };
  if (error instanceof NotFoundError) return { code: 'not_found', message: error.message };
  if (error instanceof SyncFailure) return { code: error.kind, message: error.message };
  return { code: 'failed', message: error instanceof Error ? error.message : String(error) };
}
