/**
 * The audit database's own login on Azure. Flexible Server creates only its admin through ARM, so
 * the release job's init container runs audit-role.sh (components/scripts) as that admin before
 * the release steps: it creates the audit role, sets its password to the current generation's,
 * lets it work in the audit database and closes the app database to it.
 *
 * The admin password reaches this init container only: the release and web containers get the
 * app's own env contract, and the web app's secrets do not include the init container's.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as azure from "@pulumi/azure-native/types/input";
import { readScripts } from "../docker/backup";
import { InstanceSettings } from "../config";
import { APP_DATABASE, AUDIT_DATABASE, AUDIT_ROLE, POSTGRES_ADMIN_LOGIN } from "./sizing";
import { VaultReference, VaultSecretSpec } from "./vault";

export const AUDIT_ROLE_SCRIPT = "audit-role.sh";
/** The smallest Consumption size: psql runs a dozen statements. */
export const AUDIT_ROLE_RESOURCES = { cpu: 0.25, memory: "0.5Gi" } as const;

/** The init container's two secrets, read from the vault; neither is in the app's env contract. */
export function auditRoleSecrets(
  adminPassword: pulumi.Input<string>,
  auditRolePassword: pulumi.Input<string>,
): VaultSecretSpec[] {
  return [
    { env: "PGPASSWORD", secretName: "postgres-admin-password", value: adminPassword },
    { env: "AUDIT_ROLE_PASSWORD", secretName: "audit-role-password", value: auditRolePassword },
  ];
}

export interface AuditRoleStep {
  container: azure.app.InitContainerArgs;
  /** Container Apps secrets the init container reads (Key Vault references through the identity). */
  secrets: azure.app.SecretArgs[];
  /**
   * Changes with the script and the password generation: the release runs again after a rotation
   * so the role gets the new password before the app reads it.
   */
  digest: string;
}

export function auditRoleStep(
  settings: InstanceSettings,
  serverHost: pulumi.Input<string>,
  references: readonly VaultReference[],
  identityId: pulumi.Input<string>,
  /** The pinned `postgres` image of the server's major version, from the instance's registry. */
  image: pulumi.Input<string>,
): AuditRoleStep {
  const script = readScripts([AUDIT_ROLE_SCRIPT])[AUDIT_ROLE_SCRIPT];
  const plain: Record<string, pulumi.Input<string>> = {
    PGHOST: serverHost,
    PGPORT: "5432",
    PGUSER: POSTGRES_ADMIN_LOGIN,
    PGDATABASE: AUDIT_DATABASE,
    PGSSLMODE: "require",
    AUDIT_ROLE,
    AUDIT_DATABASE,
    APP_DATABASE,
    // The app reaches its database as the server admin (the only login ARM creates).
    APP_ROLE: POSTGRES_ADMIN_LOGIN,
  };
  const generation = settings.rotation.databasePasswords;
  return {
    container: {
      name: "audit-role",
      // psql of the server's own major version, imported into the instance's registry.
      image,
      command: ["/bin/sh", "-c", script],
      env: [
        ...Object.entries(plain).map(([name, value]) => ({ name, value })),
        ...references.map((ref) => ({ name: ref.env, secretRef: ref.secretName })),
      ],
      resources: { ...AUDIT_ROLE_RESOURCES },
    },
    secrets: references.map((ref) => ({
      name: ref.secretName,
      keyVaultUrl: ref.keyVaultUrl,
      identity: identityId,
    })),
    digest: crypto.createHash("sha256").update(`${script}\u0000generation=${generation}`).digest("hex"),
  };
}
