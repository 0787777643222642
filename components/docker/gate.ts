/**
 * Gates on one-shot jobs (the release, the password rotation, the pre-release backup): `@pulumi/docker` waits
 * for an attached container to exit but ignores its exit code, so each job's exit code is turned
 * into an Output that resolves only on success and otherwise fails the deployment with a message
 * naming the job. Whatever must not run after a failed job consumes a value through `after`.
 */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/**
 * How a one-shot job container runs: `attach: true` makes the provider wait for it to exit (but
 * ignore its exit code), `mustRun: true` would fail on a container that exited, `rm: false` keeps
 * its `exitCode` readable and `logs: true` its output; the exit code is then gated with exitGate.
 */
export const ONE_SHOT_JOB = {
  attach: true,
  mustRun: false,
  rm: false,
  logs: true,
  restart: "no",
} as const satisfies Partial<docker.ContainerArgs>;

/**
 * A job's create and update timeouts: the provider waits for an attached container for at most
 * 20 minutes by default, then fails while the container keeps running (a long migration or dump).
 */
export function jobTimeouts(minutes: number): pulumi.CustomTimeouts {
  return { create: `${minutes}m`, update: `${minutes}m` };
}

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
