/**
 * The image Container Apps runs: built from the context and pushed to the instance's Azure
 * Container Registry (Basic), or a pushed reference used as is. Apps pull from the registry with
 * the instance identity (AcrPull); the registry's admin credential is used only by the push
 * from the machine running `pulumi up`, and is never handed to an app.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { ImageSource } from "../image";
import { ACR_PULL, builtInRole, Foundation } from "./foundation";
import { whenComputed } from "../provider-output";

export interface PulledImage {
  /** What the job and the app run: `registry/repo@sha256:...` for a build, the reference otherwise. */
  ref: pulumi.Output<string>;
  /** Registry the identity pulls from (absent for a pushed reference). */
  registryServer?: pulumi.Output<string>;
  /** Depend on this before an app pulls (absent for a pushed reference). */
  pullAccess?: authorization.RoleAssignment;
}

/** The instance's own registry, and the identity's pull access to it. */
export interface InstanceRegistry {
  registry: containerregistry.Registry;
  pullAccess: authorization.RoleAssignment;
}

/**
 * The instance's Azure Container Registry (Basic): it holds the built app image, and always the
 * release job's init image (registry-import.ts), so nothing the jobs run is pulled anonymously.
 */
export function createRegistry(
  name: string,
  foundation: Foundation,
  parent: pulumi.Resource,
): InstanceRegistry {
  const opts = { parent };
  const registry = new containerregistry.Registry(
    `${name}-registry`,
    {
      resourceGroupName: foundation.resourceGroupName,
      location: foundation.location,
      registryName: foundation.names.registry,
      sku: { name: "Basic" },
      // The push from `pulumi up` authenticates with the admin credential; apps use AcrPull.
      adminUserEnabled: true,
      anonymousPullEnabled: false,
      tags: foundation.tags,
    },
    opts,
  );
  const pullAccess = new authorization.RoleAssignment(
    `${name}-registry-pull`,
    {
      scope: registry.id,
      principalId: foundation.identity.principalId,
      principalType: "ServicePrincipal",
      roleDefinitionId: builtInRole(foundation.subscriptionId, ACR_PULL),
      description: "The agency app and its release job pull their images",
    },
    opts,
  );
  return { registry, pullAccess };
}

/** `registry/repo:tag@sha256:x` or `registry/repo@sha256:x` -> `registry/repo@sha256:x`. */
export function pinnedReference(imageName: string, repoDigest: string): string {
  const at = repoDigest.lastIndexOf("@");
  const digest = at >= 0 ? repoDigest.slice(at + 1) : repoDigest;
  const lastSlash = imageName.lastIndexOf("/");
  const colon = imageName.indexOf(":", lastSlash + 1);
  const repository = colon >= 0 ? imageName.slice(0, colon) : imageName;
  return `${repository}@${digest}`;
}

export function createImage(
  name: string,
  agency: string,
  source: ImageSource,
  foundation: Foundation,
  instanceRegistry: InstanceRegistry,
  parent: pulumi.Resource,
): PulledImage {
  const opts = { parent };
  const { registry, pullAccess } = instanceRegistry;
  if (source.build === undefined) {
    return { ref: pulumi.output(source.ref ?? ""), registryServer: registry.loginServer, pullAccess };
  }

  const credentials = containerregistry.listRegistryCredentialsOutput(
    { resourceGroupName: foundation.resourceGroupName, registryName: registry.name },
    opts,
  );
  const imageName = pulumi.interpolate`${registry.loginServer}/${agency}:deployed`;
  const build = source.build;
  const image = new docker.Image(
    `${name}-image`,
    {
      imageName,
      build: {
        context: build.context,
        dockerfile: build.dockerfile,
        target: build.target,
        args: build.args,
        // Container Apps runs linux/amd64 only.
        platform: "linux/amd64",
      },
      registry: {
        server: registry.loginServer,
        username: credentials.apply((c) => c.username ?? ""),
        password: pulumi.secret(credentials.apply((c) => c.passwords?.[0]?.value ?? "")),
      },
    },
    opts,
  );
  return {
    ref: pulumi
      .all([imageName, image.repoDigest])
      .apply(([n, d]) => whenComputed(d, (digest) => pinnedReference(n, digest))),
    registryServer: registry.loginServer,
    pullAccess,
  };
}
