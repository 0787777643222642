/**
 * ReleasePhase on Docker: a one-shot container from the application image that runs the release
 * script once per image and step list, before the web service changes.
 *
 * It runs as a one-shot job (one-shot-job.ts) and its `exitCode` is gated explicitly: `imageId` only
 * resolves when every abort step succeeded, and otherwise fails the deployment naming the step.
 * The web service runs `imageId`, so it cannot start on a failed release. The container is
 * replaced (and so the release runs again) whenever the image ID, the script or the env changes,
 * and, through its JobLedger attempt label (job-ledger.ts), on the `up` after a failed release.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ReleaseStep } from "../config";
import { releaseFailure, releaseScript } from "../release";
import type { ContainerLimits } from "./hardening";
import type { JobLedger } from "./job-ledger";
import { GatedJob } from "./one-shot-job";

/** The app image's unprivileged user (uid:gid). */
export const APP_USER = "10001:10001";

export interface ReleasePhaseArgs {
  /** The application image ID (from AppImage). */
  imageId: pulumi.Input<string>;
  /** The configured steps, in order. */
  steps: ReleaseStep[];
  /** The app environment (see environment.ts). */
  envs: pulumi.Input<string>[];
  /** Networks the release joins (the internal database network). */
  networks: pulumi.Input<string>[];
  /** CPU and memory caps: the web service's (`resources.cpu`, `resources.memoryMb`), as both run the app. */
  limits: ContainerLimits;
  /** How long the release may run (`timeouts.releaseMinutes`). */
  timeoutMinutes: number;
  /** Reruns the release after a failed one (job-ledger.ts); without it, a failed release sticks. */
  ledger?: JobLedger;
}

/** The ledger's name for the release job. */
export const RELEASE_JOB = "release";

export class ReleasePhase extends GatedJob {
  /** The steps run, in order. */
  readonly steps: ReleaseStep[];
  /** The image ID, resolved only after the release succeeded: consume it to depend on success. */
  readonly imageId: pulumi.Output<string>;

  constructor(name: string, args: ReleasePhaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const steps = args.steps;
    const script = releaseScript(steps);
    super(
      "agency-deploy:docker:ReleasePhase",
      name,
      () => ({
        job: RELEASE_JOB,
        image: args.imageId,
        script,
        envs: args.envs,
        user: APP_USER,
        networks: args.networks,
        limits: args.limits,
        timeoutMinutes: args.timeoutMinutes,
        ledger: args.ledger,
        secretLogs: true,
        failure: (exitCode) => {
          const failure = releaseFailure(exitCode, steps);
          return failure === undefined ? undefined : `${name}: ${failure}`;
        },
      }),
      opts,
    );
    this.steps = steps;
    // imageId stays out of the registered outputs: a failed release must fail through its
    // consumer (the web service) with the step's message, not through this component's outputs.
    this.imageId = this.after(args.imageId);
  }
}
