export interface FieldIssue {
  /** The field as the caller named it, e.g. `mac` or `changes.3.ip`. */
  field: string;
  /** What was expected, written for a person: "a MAC address like aa:bb:cc:dd:ee:ff". */
  message: string;
}

/** Bad input: names every offending field and the form it expects. */
export class ValidationError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'ValidationError';
  }
}
