/**
 * What every Azure instance stands on: a resource group (created, or an existing one by name),
 * a Log Analytics workspace, a Container Apps environment logging to it, and the user-assigned
 * identity the web app and the release job use to read Key Vault and pull from the registry.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as app from "@pulumi/azure-native/app";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import { InstanceSettings } from "../config";
import { fromProviderOutput } from "../provider-output";
import { GlobalNames, globalNames } from "./sizing";

/** Days Log Analytics keeps logs; the first 31 are included in the ingestion price. */
export const LOG_RETENTION_DAYS = 30;

export interface Foundation {
  resourceGroupName: pulumi.Output<string>;
  location: string;
  subscriptionId: pulumi.Output<string>;
  tenantId: pulumi.Output<string>;
  /** The object id of the identity running `pulumi up` (user or service principal). */
  deployerObjectId: pulumi.Output<string>;
  names: pulumi.Output<GlobalNames>;
  workspace: operationalinsights.Workspace;
  environment: app.ManagedEnvironment;
  identity: managedidentity.UserAssignedIdentity;
  tags: Record<string, string>;
}

export function createFoundation(
  name: string,
  settings: InstanceSettings,
  parent: pulumi.Resource,
): Foundation {
  const opts = { parent };
  const location = settings.azure.location;
  const tags = { agency: settings.agency, mode: settings.mode, "managed-by": "agency-deploy" };
  const client = authorization.getClientConfigOutput(opts);

  const resourceGroupName =
    settings.azure.resourceGroupName === undefined
      ? new resources.ResourceGroup(`${name}-rg`, { location, tags }, opts).name
      : pulumi.output(settings.azure.resourceGroupName);

  // Globally unique DNS names (vault, server, registry) need a suffix that survives updates.
  const suffix = new random.RandomString(
    `${name}-suffix`,
    { length: 6, special: false, upper: false, numeric: true, lower: true },
    opts,
  ).result;
  const names = fromProviderOutput(suffix, (s) => globalNames(settings.agency, s));

  const workspace = new operationalinsights.Workspace(
    `${name}-logs`,
    {
      resourceGroupName,
      location,
      sku: { name: "PerGB2018" },
      retentionInDays: LOG_RETENTION_DAYS,
      tags,
    },
    opts,
  );
  const sharedKey = pulumi.secret(
    pulumi
      .all([resourceGroupName, workspace.name])
      .apply(([rg, ws]) =>
        operationalinsights.getSharedKeysOutput({ resourceGroupName: rg, workspaceName: ws }, opts),
      )
      .apply((keys) => keys.primarySharedKey ?? ""),
  );

  const environment = new app.ManagedEnvironment(
    `${name}-env`,
    {
      resourceGroupName,
      location,
      appLogsConfiguration: {
        destination: "log-analytics",
        logAnalyticsConfiguration: { customerId: workspace.customerId, sharedKey },
      },
      ...(settings.azure.containerAppsSubnetId === undefined
        ? {}
        : {
            vnetConfiguration: {
              infrastructureSubnetId: settings.azure.containerAppsSubnetId,
              internal: false,
            },
          }),
      zoneRedundant: false,
      tags,
    },
    opts,
  );

  const identity = new managedidentity.UserAssignedIdentity(
    `${name}-identity`,
    { resourceGroupName, location, tags },
    opts,
  );

  return {
    resourceGroupName,
    location,
    subscriptionId: client.subscriptionId,
    tenantId: client.tenantId,
    deployerObjectId: client.objectId,
    names,
    workspace,
    environment,
    identity,
    tags,
  };
}

/** `/subscriptions/<id>/providers/Microsoft.Authorization/roleDefinitions/<role>` */
export function builtInRole(subscriptionId: pulumi.Input<string>, roleId: string): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

/** Built-in role "Key Vault Secrets User": read secret contents. */
export const KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
/**
 * Built-in role "Key Vault Secrets Officer": every data-plane action on secrets, delete included.
 * An RBAC vault answers a secret's delete (a removed fallback, `pulumi destroy`) from the data
 * plane, which Owner, Contributor and User Access Administrator do not reach.
 */
export const KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";
/** Built-in role "AcrPull": pull images. */
export const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
