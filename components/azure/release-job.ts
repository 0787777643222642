/**
 * ReleasePhase on Azure: a manually triggered Container Apps Job running the ordered release
 * steps in the application image, after an init container that sets up the audit database's own
 * login (audit-role.ts), and a ReleaseExecution that starts it during `pulumi up`,
 * waits for it, and fails the deployment when it fails. The web app depends on the execution,
 * so it only changes after a successful release of the same image.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as inputs from "@pulumi/azure-native/types/input";
import type * as azure from "@pulumi/azure-native/types/input";
import { InstanceSettings, ReleaseStep } from "../config";
import { releaseScript } from "../release";
import { AuditRoleStep } from "./audit-role";
import { ContainerShape } from "./containers";
import { Foundation } from "./foundation";
import { nestedInputs } from "./nested-inputs";
import { ReleaseExecution } from "./release-execution";

/** Seconds between two polls of the execution's status. */
export const RELEASE_POLL_SECONDS = 10;
/** Extra wait beyond the job's own replica timeout: an execution may queue before it runs. */
export const RELEASE_START_MARGIN_SECONDS = 300;
/** Azure Resource Manager of the public cloud; the token from getClientToken is issued for it. */
export const ARM_ENDPOINT = "https://management.azure.com";

/**
 * Digest of the rendered steps (and of the audit role step, when given): a change to any step
 * starts a new release execution.
 */
export function releaseDigest(steps: readonly ReleaseStep[], auditRoleDigest?: string): string {
  const hash = crypto.createHash("sha256").update(releaseScript(steps));
  if (auditRoleDigest !== undefined) hash.update(`\u0000audit-role=${auditRoleDigest}`);
  return `sha256:${hash.digest("hex")}`;
}

export interface ReleasePhase {
  job: app.Job;
  execution: ReleaseExecution;
}

export function createReleasePhase(
  name: string,
  settings: InstanceSettings,
  foundation: Foundation,
  image: pulumi.Input<string>,
  shape: ContainerShape,
  auditRole: AuditRoleStep,
  dependsOn: pulumi.Input<pulumi.Resource>[],
  parent: pulumi.Resource,
): ReleasePhase {
  // The same script as the Docker target's release container.
  const script = releaseScript(settings.release.steps);
  const timeout = settings.azure.releaseTimeoutSeconds;
  const configuration: azure.app.JobConfigurationArgs = {
    triggerType: "Manual",
    manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
    replicaTimeout: timeout,
    // A failed migration is not retried blindly: the deployment fails and a person looks.
    replicaRetryLimit: 0,
    secrets: [...shape.secrets, ...auditRole.secrets],
    registries: shape.registries,
  };
  const job = new app.Job(
    `${name}-release`,
    {
      resourceGroupName: foundation.resourceGroupName,
      location: foundation.location,
      jobName: foundation.names.releaseJob,
      environmentId: foundation.environment.id,
      identity: shape.identity,
      configuration,
      template: {
        // Init containers run to completion, in order, before the release container starts; a
        // failed one fails the execution, so no audit migration runs without the audit role.
        initContainers: auditRole.containers,
        containers: [
          {
            name: "release",
            image,
            command: ["/bin/sh", "-c", script],
            env: shape.env,
            resources: shape.resources,
          },
        ],
      },
      tags: foundation.tags,
    },
    {
      parent,
      dependsOn,
      transformations: [
        nestedInputs({ configuration: inputs.app.jobConfigurationArgsProvideDefaults(configuration) }),
      ],
    },
  );

  const token = pulumi.secret(authorization.getClientTokenOutput({}, { parent }).token);
  const execution = new ReleaseExecution(
    `${name}-release-execution`,
    {
      jobId: job.id,
      image,
      stepsDigest: releaseDigest(settings.release.steps, auditRole.digest),
      managementEndpoint: ARM_ENDPOINT,
      token,
      timeoutSeconds: timeout + RELEASE_START_MARGIN_SECONDS,
      pollSeconds: RELEASE_POLL_SECONDS,
    },
    { parent, dependsOn: [job, ...dependsOn] },
  );
  return { job, execution };
}
