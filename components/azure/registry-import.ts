/**
 * RegistryImport: copies a public image into the instance's own Azure Container Registry during
 * `pulumi up`, so the release job's init container (psql, audit-role.ts) pulls it with the
 * instance identity instead of anonymously from Docker Hub, which rate-limits anonymous pulls and
 * often throttles Container Apps' shared egress addresses.
 *
 * azure-native has no resource for ACR's import, so this is a Pulumi dynamic provider on the same
 * ARM client as ReleaseExecution (retries, token renewal: release-execution.ts):
 *   POST {registryId}/importImage   -> 202 with a Location, polled until it answers 200
 * ACR pulls the source itself, once per image (a new tag imports again), registry to registry.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ArmRequest,
  armSession,
  armUrl,
  azureTokenSource,
  Clock,
  type DynamicResourceArgs,
  fetchArm,
  systemClock,
  TokenSource,
} from "./release-execution";

/** The ACR API version of importImage (GA). */
export const CONTAINER_REGISTRY_API_VERSION = "2023-07-01";

export interface RegistryImportInputs {
  /** ARM id of the registry. */
  registryId: string;
  /** The registry's login server, e.g. `agencyacr.azurecr.io`. */
  loginServer: string;
  /** Source registry, e.g. `docker.io`. */
  sourceRegistry: string;
  /** Image in the source registry, e.g. `library/postgres:16.10-bookworm`. */
  sourceImage: string;
  /** Repository and tag in the instance's registry, e.g. `postgres:16.10-bookworm`. */
  targetTag: string;
  managementEndpoint: string;
  token: string;
  timeoutSeconds: number;
  pollSeconds: number;
}

export interface RegistryImportOutputs {
  registryId: string;
  sourceRegistry: string;
  sourceImage: string;
  targetTag: string;
  /** `loginServer/targetTag`: what the init container runs. */
  image: string;
}

/** Import the image and wait for ACR to finish; fails with the HTTP status and body otherwise. */
export async function importImage(
  request: ArmRequest,
  clock: Clock,
  inputs: RegistryImportInputs,
  refresh?: TokenSource,
): Promise<RegistryImportOutputs> {
  const session = armSession(request, clock, { current: inputs.token, refresh });
  const what = `Importing ${inputs.sourceRegistry}/${inputs.sourceImage} into ${inputs.loginServer}`;
  const url = armUrl(
    inputs.managementEndpoint,
    inputs.registryId,
    "/importImage",
    CONTAINER_REGISTRY_API_VERSION,
  );
  const started = await session.call("POST", url, {
    source: { registryUri: inputs.sourceRegistry, sourceImage: inputs.sourceImage },
    targetTags: [inputs.targetTag],
    // Overwrite the tag if it is there (an earlier, interrupted import): the import is idempotent.
    mode: "Force",
  });
  const outputs: RegistryImportOutputs = {
    registryId: inputs.registryId,
    sourceRegistry: inputs.sourceRegistry,
    sourceImage: inputs.sourceImage,
    targetTag: inputs.targetTag,
    image: `${inputs.loginServer}/${inputs.targetTag}`,
  };
  if (started.status === 200) return outputs;
  if (started.status !== 202 || started.location === undefined) {
    throw new Error(`${what} failed with HTTP ${started.status}: ${JSON.stringify(started.body)}`);
  }
  const deadline = clock.now() + inputs.timeoutSeconds * 1000;
  let retryAfter = started.retryAfterSeconds;
  while (clock.now() < deadline) {
    await clock.sleep((retryAfter ?? inputs.pollSeconds) * 1000);
    const polled = await session.call("GET", started.location);
    if (polled.status === 200) return outputs;
    if (polled.status !== 202)
      throw new Error(`${what} failed with HTTP ${polled.status}: ${JSON.stringify(polled.body)}`);
    retryAfter = polled.retryAfterSeconds;
  }
  throw new Error(`${what} did not finish within ${inputs.timeoutSeconds}s`);
}

/** A new import is needed when the registry, the source or the target changes. */
export function importChanged(olds: Partial<RegistryImportOutputs>, news: RegistryImportInputs): boolean {
  return (
    olds.registryId !== news.registryId ||
    olds.sourceRegistry !== news.sourceRegistry ||
    olds.sourceImage !== news.sourceImage ||
    olds.targetTag !== news.targetTag
  );
}

export const registryImportProvider: pulumi.dynamic.ResourceProvider<
  RegistryImportInputs,
  RegistryImportOutputs
> = {
  async diff(_id, olds, news) {
    const changes = importChanged(olds, news);
    return { changes, replaces: changes ? ["targetTag"] : [] };
  },
  async create(inputs) {
    const refresh = azureTokenSource(inputs.managementEndpoint, process.env);
    const outs = await importImage(fetchArm, systemClock, inputs, refresh);
    return { id: `${inputs.registryId}/repositories/${inputs.targetTag}`, outs };
  },
  // The imported image stays: a running revision may still pull it; ACR retention cleans up.
  async delete() {},
};

export type RegistryImportArgs = DynamicResourceArgs<RegistryImportInputs>;

/** One image copied into the instance's registry; `image` is its reference there. */
export class RegistryImport extends pulumi.dynamic.Resource {
  declare readonly image: pulumi.Output<string>;

  constructor(name: string, args: RegistryImportArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      registryImportProvider,
      name,
      { ...args, token: pulumi.secret(args.token), image: undefined },
      { ...opts, additionalSecretOutputs: ["token"] },
      "agency-deploy",
      "RegistryImport",
    );
  }
}
