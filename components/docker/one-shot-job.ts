/**
 * The one-shot job container every Docker job runs in (the release, the pre-release backup, the
 * password rotation, the proxy's route switch): one `sh -c` script, attached until it exits, its
 * exit code gated (gate.ts), a JobLedger attempt label so a failed run reruns on the next `up`
 * (job-ledger.ts), a read-only root with no capabilities, bounded logs and CPU and memory caps.
 *
 * Built in one place so that what makes a job safe to rerun (the attempt label computed from all
 * the other inputs, delete-before-replace for a fixed name, the timeouts) cannot drift between jobs.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { after, exitGate } from "./gate";
import {
  containerLogging,
  type ContainerLimits,
  hardenedRuntime,
  REPLACE_ON_CHANGES,
  resourceLimits,
} from "./hardening";
import type { ContainerLabels, JobLedger } from "./job-ledger";

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
function jobTimeouts(minutes: number): pulumi.CustomTimeouts {
  return { create: `${minutes}m`, update: `${minutes}m` };
}

export interface OneShotJobArgs {
  /** The job's name in the ledger (`release`, `route-switch`, ...). */
  job: string;
  /**
   * A fixed container name, so the runbook's `docker logs <name>` stays exact. A fixed name
   * cannot exist twice, so such a job is replaced by deleting it first.
   */
  name?: string;
  image: pulumi.Input<string>;
  /** The POSIX sh script the job runs (`sh -c`). */
  script: string;
  envs: pulumi.Input<string>[];
  /** uid:gid the job runs as. */
  user: string;
  /** Writable tmpfs mounts on the read-only root; a small noexec /tmp by default. */
  tmpfs?: Record<string, string>;
  /** Networks the job joins. */
  networks?: pulumi.Input<string>[];
  /** Another container's network namespace instead (`container:<id>`). */
  networkMode?: pulumi.Input<string>;
  volumes?: docker.types.input.ContainerVolume[];
  /** Labels of the job besides the attempt label; part of the inputs the ledger keys on. */
  labels?: ContainerLabels;
  limits: ContainerLimits;
  /** How long the job may run (`timeouts.*Minutes`). */
  timeoutMinutes: number;
  /** Reruns the job after a failed run (job-ledger.ts); without it, a failed job sticks. */
  ledger?: JobLedger;
  /** Keep the job's output out of plaintext state: it is the app's own logging, which may echo config. */
  secretLogs?: boolean;
  /** Why nothing after the job ran, for an exit code; undefined when it succeeded. */
  failure: (exitCode: number) => string | undefined;
}

interface OneShotJob {
  container: docker.Container;
  exitCode: pulumi.Output<number>;
  /** The exit code, resolved only once it is 0: consume it (gate.ts `after`) to run after success. */
  succeeded: pulumi.Output<number>;
}

/** The job container `<component>-job`, a child of `parent`, after `dependsOn`, gated on its exit code. */
function oneShotJob(
  component: string,
  args: OneShotJobArgs,
  opts: Required<Pick<pulumi.CustomResourceOptions, "parent">> &
    Pick<pulumi.CustomResourceOptions, "dependsOn">,
): OneShotJob {
  // Everything but the attempt label: the ledger's key, so any change to them reruns the job.
  const inputs = {
    name: args.name,
    image: args.image,
    entrypoints: ["/bin/sh", "-c"],
    command: [args.script],
    envs: args.envs,
    user: args.user,
    networksAdvanced: args.networks?.map((network) => ({ name: network })),
    networkMode: args.networkMode,
    volumes: args.volumes,
    ...ONE_SHOT_JOB,
    ...hardenedRuntime(args.tmpfs),
    ...resourceLimits(args.limits),
    ...containerLogging(),
  };
  const attempt = args.ledger?.labels(args.job, inputs, args.labels);
  const container = new docker.Container(
    `${component}-job`,
    { ...inputs, labels: attempt?.labels ?? args.labels },
    {
      parent: opts.parent,
      // dependsOn does not flow from a component to its children: the component forwards its own.
      dependsOn: opts.dependsOn,
      additionalSecretOutputs: args.secretLogs ? ["containerLogs"] : undefined,
      deleteBeforeReplace: args.name === undefined ? undefined : true,
      customTimeouts: jobTimeouts(args.timeoutMinutes),
      replaceOnChanges: REPLACE_ON_CHANGES,
    },
  );
  const exitCode = container.exitCode;
  const succeeded = exitGate(exitCode, args.failure);
  attempt?.record(succeeded);
  return { container, exitCode, succeeded };
}

/**
 * A component that is one one-shot job (the release, the pre-release backup, the password
 * rotation, the route switch): its container, its exit code, and `after` for what must wait on it.
 * `job` builds the job's arguments, creating what it needs (the image it pulls) as `parent`'s children.
 */
export abstract class GatedJob extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly exitCode: pulumi.Output<number>;
  private readonly succeeded: pulumi.Output<number>;

  protected constructor(
    type: string,
    name: string,
    job: (parent: pulumi.Resource) => OneShotJobArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(type, name, {}, opts);
    const built = oneShotJob(name, job(this), { parent: this, dependsOn: opts?.dependsOn });
    this.container = built.container;
    this.exitCode = built.exitCode;
    this.succeeded = built.succeeded;
    this.registerOutputs({ exitCode: this.exitCode });
  }

  /** `value`, resolved only after the job succeeded: consume it to run only after a good run. */
  after<T>(value: pulumi.Input<T>): pulumi.Output<T> {
    return after(this.succeeded, value);
  }
}
