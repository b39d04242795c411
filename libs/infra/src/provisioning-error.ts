/** One way of obtaining a piece of infrastructure, and why it did not work. */
export interface ProvisioningAttempt {
  way: string;
  outcome: string;
  fix: string;
}

/**
 * Raised when no way of obtaining a server worked. The message names every way tried, what went
 * wrong with it and how to fix it, so nobody has to read the provisioning code.
 */
export class ProvisioningError extends Error {
  constructor(
    readonly service: string,
    readonly attempts: ProvisioningAttempt[],
  ) {
    super(
      [
        `Could not provide ${service}. Ways tried, in order:`,
        ...attempts.map(
          (attempt, index) =>
            `  ${index + 1}. ${attempt.way}\n     → ${attempt.outcome.replace(/\n/g, '\n       ')}\n     fix: ${attempt.fix}`,
        ),
      ].join('\n'),
    );
    this.name = 'ProvisioningError';
  }
}
