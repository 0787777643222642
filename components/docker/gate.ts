/**
 * Gates on one-shot jobs (the release, the password rotation, the pre-release backup): `@pulumi/docker` waits
 * for an attached container to exit but ignores its exit code, so each job's exit code is turned
 * into an Output that resolves only on success and otherwise fails the deployment with a message
 * naming the job. Whatever must not run after a failed job consumes a value through `after`.
 */
import * as pulumi from "@pulumi/pulumi";

/** The message for a failed one-shot job, or undefined when it succeeded (exit code 0). */
export function jobFailure(
  job: string,
  exitCode: number,
  consequence: string,
  advice: string,
): string | undefined {
  if (exitCode === 0) return undefined;
  return `${job} exited with code ${exitCode}; ${consequence}. ${advice}`;
}

/** Resolves to the exit code once it is 0; otherwise fails the deployment with `failure`'s message. */
export function exitGate(
  exitCode: pulumi.Output<number>,
  failure: (exitCode: number) => string | undefined,
): pulumi.Output<number> {
  return exitCode.apply((code) => {
    const message = failure(code);
    if (message !== undefined) throw new pulumi.RunError(message);
    return code;
  });
}

/** `value`, resolved only after `gate` resolved: consume it to run only after the job succeeded. */
export function after<T>(gate: pulumi.Output<unknown>, value: pulumi.Input<T>): pulumi.Output<T> {
  return pulumi.all([gate, value]).apply(([, resolved]) => resolved as T);
}
