/**
 * What the release job's container and the web container share: the env contract (the same as
 * the Docker target's), secrets as Key Vault references read through the identity, the registry
 * pulled with the identity, and the size.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as azure from "@pulumi/azure-native/types/input";
import { InstanceSettings } from "../config";
import { APP_PORT, plainEnvironmentEntries } from "../environment";
import { containerResources } from "./sizing";
import { VaultReference } from "./vault";

export { APP_PORT };

export interface ContainerShape {
  /** One entry per variable, so a host name unknown during preview leaves the other entries known. */
  env: azure.app.EnvironmentVarArgs[];
  secrets: azure.app.SecretArgs[];
  registries: azure.app.RegistryCredentialsArgs[];
  resources: { cpu: number; memory: string };
  identity: azure.app.ManagedServiceIdentityArgs;
}

export function containerShape(
  settings: InstanceSettings,
  hosts: pulumi.Input<string[]>,
  references: readonly VaultReference[],
  identityId: pulumi.Input<string>,
  registryServer: pulumi.Input<string> | undefined,
): ContainerShape {
  // Every public host of the instance (the configured domains and the app's Azure host name).
  const plain = plainEnvironmentEntries(settings, hosts).map(([name, value]) => ({ name, value }));
  return {
    env: [...plain, ...references.map((ref) => ({ name: ref.env, secretRef: ref.secretName }))],
    secrets: references.map((ref) => ({
      name: ref.secretName,
      keyVaultUrl: ref.keyVaultUrl,
      identity: identityId,
    })),
    registries: registryServer === undefined ? [] : [{ server: registryServer, identity: identityId }],
    resources: containerResources(settings.azure.cpu),
    identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
  };
}
