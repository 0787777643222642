/**
 * The instance's Key Vault: RBAC-authorised, soft delete and purge protection on, holding every
 * secret the app reads. The identity gets "Key Vault Secrets User" on this vault only; the web app
 * and the release job reference the secrets through that identity and depend on the assignment.
 *
 * The identity running `pulumi up` gets "Key Vault Secrets Officer" on this vault only: an RBAC
 * vault deletes a secret (a fallback dropped after a rotation, `pulumi destroy`) through its data
 * plane, which the documented deploying roles (Owner, or Contributor + User Access Administrator)
 * do not reach, so without it those deletes fail with 403. Every secret depends on the
 * assignment, so on destroy the secrets go first and the assignment last.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import { builtInRole, Foundation, KEY_VAULT_SECRETS_OFFICER, KEY_VAULT_SECRETS_USER } from "./foundation";

/** The longest soft-delete window Key Vault offers: a deleted secret can come back for 90 days. */
export const SOFT_DELETE_DAYS = 90;

/** An env var of the app whose value lives in the vault. */
export interface VaultSecretSpec {
  env: string;
  /** Key Vault (and Container Apps) secret name: lowercase letters, digits and dashes. */
  secretName: string;
  value: pulumi.Input<string>;
}

/** A secret as Container Apps consumes it: a Key Vault reference read through the identity. */
export interface VaultReference {
  env: string;
  secretName: string;
  keyVaultUrl: pulumi.Output<string>;
}

export interface InstanceVault {
  vault: keyvault.Vault;
  references: VaultReference[];
  secrets: keyvault.Secret[];
  /** Depend on this before anything reads the secrets. */
  readAccess: authorization.RoleAssignment;
  /** The deploying identity's data-plane access to the secrets (their writes and deletes). */
  deployerAccess: authorization.RoleAssignment;
}

export function createVault(
  name: string,
  foundation: Foundation,
  specs: VaultSecretSpec[],
  parent: pulumi.Resource,
): InstanceVault {
  const opts = { parent };
  const resourceGroupName = foundation.resourceGroupName;
  const vault = new keyvault.Vault(
    `${name}-vault`,
    {
      resourceGroupName,
      location: foundation.location,
      vaultName: foundation.names.keyVault,
      properties: {
        tenantId: foundation.tenantId,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        softDeleteRetentionInDays: SOFT_DELETE_DAYS,
        enablePurgeProtection: true,
        enabledForDeployment: false,
        enabledForDiskEncryption: false,
        enabledForTemplateDeployment: false,
      },
      tags: foundation.tags,
    },
    opts,
  );

  const deployerAccess = new authorization.RoleAssignment(
    `${name}-vault-secrets-officer`,
    {
      scope: vault.id,
      principalId: foundation.deployerObjectId,
      roleDefinitionId: builtInRole(foundation.subscriptionId, KEY_VAULT_SECRETS_OFFICER),
      description: "The identity running pulumi up writes and deletes the instance's secrets",
    },
    opts,
  );

  const secrets = specs.map(
    (spec) =>
      new keyvault.Secret(
        `${name}-${spec.secretName}`,
        {
          resourceGroupName,
          vaultName: vault.name,
          secretName: spec.secretName,
          properties: { value: pulumi.secret(spec.value), contentType: "text/plain" },
        },
        { ...opts, dependsOn: [deployerAccess] },
      ),
  );

  const readAccess = new authorization.RoleAssignment(
    `${name}-vault-secrets-user`,
    {
      scope: vault.id,
      principalId: foundation.identity.principalId,
      // A new identity may not have replicated yet; the type lets ARM assign it anyway.
      principalType: "ServicePrincipal",
      roleDefinitionId: builtInRole(foundation.subscriptionId, KEY_VAULT_SECRETS_USER),
      description: "The agency app and its release job read their secrets",
    },
    opts,
  );

  const references = specs.map((spec, i) => ({
    env: spec.env,
    secretName: spec.secretName,
    // Versionless URI: Container Apps picks up a rotated value without a spec change.
    keyVaultUrl: secrets[i].properties.secretUri,
  }));
  return { vault, references, secrets, readAccess, deployerAccess };
}
