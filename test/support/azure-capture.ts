/**
 * The shared resource capture (./capture.ts) with what Azure resources need from a provider:
 * computed outputs (URIs, host names, principal ids) and answers to the azure-native invokes
 * the instance makes (client config, workspace keys, registry credentials, ARM token).
 */
import * as pulumi from "@pulumi/pulumi";
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime/mocks";
import { installCapture, MockOutputs, ResourceCapture } from "./capture";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  getMonitor(): { mocks: pulumi.runtime.Mocks };
};

export const FAKE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
export const FAKE_TENANT = "00000000-0000-0000-0000-000000000002";
export const FAKE_ARM_TOKEN = "fake-arm-token";
export const FAKE_WORKSPACE_KEY = "fake-workspace-shared-key";
export const FAKE_REGISTRY_PASSWORD = "fake-registry-password";

/** Provider outputs of the Azure resources, computed the way Azure names them (ids are `<name>-id`). */
export function azureOutputs(args: MockResourceArgs): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.type) {
    case "azure-native:resources:ResourceGroup":
      return { name: `${args.name}-name` };
    case "azure-native:keyvault:Vault":
      return {
        name: inputs.vaultName,
        properties: {
          ...(inputs.properties as object),
          vaultUri: `https://${String(inputs.vaultName)}.vault.azure.net/`,
        },
      };
    case "azure-native:keyvault:Secret":
      return {
        name: inputs.secretName,
        properties: {
          secretUri: `https://${String(inputs.vaultName)}.vault.azure.net/secrets/${String(inputs.secretName)}`,
        },
      };
    case "azure-native:dbforpostgresql:Server":
      return {
        name: inputs.serverName,
        fullyQualifiedDomainName: `${String(inputs.serverName)}.postgres.database.azure.com`,
      };
    case "azure-native:dbforpostgresql:Database":
      return { name: inputs.databaseName };
    case "azure-native:operationalinsights:Workspace":
      return { name: `${args.name}-name`, customerId: "workspace-customer-id" };
    case "azure-native:app:ManagedEnvironment":
      return { defaultDomain: "happy-sea-123.westeurope.azurecontainerapps.io" };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { principalId: "identity-principal-id", clientId: "identity-client-id" };
    case "azure-native:containerregistry:Registry":
      return { name: inputs.registryName, loginServer: `${String(inputs.registryName)}.azurecr.io` };
    case "azure-native:app:Job":
      return { name: inputs.jobName };
    case "azure-native:app:ContainerApp":
      return { name: inputs.containerAppName };
    case "random:index/randomString:RandomString":
      return { result: "abc123" };
    case "docker:index/image:Image":
      return { repoDigest: `${String(inputs.imageName).split(":deployed")[0]}@sha256:${"d".repeat(64)}` };
    case "pulumi-nodejs:dynamic/agency-deploy:RegistryImport":
      return { image: `${String(args.inputs.loginServer)}/${String(args.inputs.targetTag)}` };
    case "pulumi-nodejs:dynamic/agency-deploy:ReleaseExecution":
      return { executionName: "release-exec-1", status: "Succeeded", previousImage: "" };
    default:
      return {};
  }
}

export function azureInvoke(args: MockCallArgs): Record<string, unknown> {
  switch (args.token) {
    case "azure-native:authorization:getClientConfig":
      return {
        subscriptionId: FAKE_SUBSCRIPTION,
        tenantId: FAKE_TENANT,
        clientId: "client",
        objectId: "object",
      };
    case "azure-native:operationalinsights:getSharedKeys":
      return { primarySharedKey: FAKE_WORKSPACE_KEY, secondarySharedKey: "second" };
    case "azure-native:containerregistry:listRegistryCredentials":
      return { username: "registry-admin", passwords: [{ name: "password", value: FAKE_REGISTRY_PASSWORD }] };
    case "azure-native:authorization:getClientToken":
      return { token: FAKE_ARM_TOKEN };
    default:
      throw new Error(`unexpected invoke ${args.token}`);
  }
}

/**
 * Install the capture with Azure outputs and invokes. The shared capture answers invokes by
 * echoing their inputs, so the installed monitor's `call` is replaced here.
 */
export function installAzureCapture(
  options: { preview?: boolean; stack?: string; outputs?: MockOutputs } = {},
): ResourceCapture {
  const capture = installCapture({ ...options, outputs: options.outputs ?? azureOutputs });
  const monitor = settings.getMonitor();
  Object.assign(monitor, { mocks: { newResource: monitor.mocks.newResource, call: azureInvoke } });
  return capture;
}
