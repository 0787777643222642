/**
 * The audit database's logins on Azure. Flexible Server creates only its admin through ARM, so
 * the release job's init containers make them, in order, before the release steps:
 *  1. audit-role.sh as the admin: the owner role (AUDIT_ROLE), its password the current
 *     generation's, allowed to create tables in the audit database and closed out of the app's;
 *  2. audit-writer-role.sh's role step as the admin: the append-only login (AUDIT_WRITER_ROLE), no
 *     attribute but LOGIN, its password the current generation's, CONNECT and schema USAGE only;
 *  3. its grants step as the owner: SELECT and INSERT on the owner's audit tables, now and for the
 *     tables the migrations create next, django_migrations readable only.
 * The release then migrates and locks down as the owner; the web app writes as the writer, which
 * can neither ALTER, UPDATE, DELETE nor TRUNCATE an audit table nor record a migration (the owner
 * could: it owns the tables the lockdown protects).
 *
 * The admin and owner passwords reach these init containers only: the release and web containers
 * get the app's own env contract, and the web app's secrets include none of the init containers'.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import type * as azure from "@pulumi/azure-native/types/input";
import { readScripts } from "../docker/backup";
import { AUDIT_WRITER_SCRIPT } from "../docker/password-rotation";
import { InstanceSettings } from "../config";
import { APP_DATABASE, AUDIT_DATABASE, AUDIT_ROLE, AUDIT_WRITER_ROLE, POSTGRES_ADMIN_LOGIN } from "./sizing";
import { VaultReference, VaultSecretSpec } from "./vault";

export const AUDIT_ROLE_SCRIPT = "audit-role.sh";
/** The smallest Consumption size: psql runs a dozen statements. */
export const AUDIT_ROLE_RESOURCES = { cpu: 0.25, memory: "0.5Gi" } as const;

const ADMIN_PASSWORD_SECRET = "postgres-admin-password";
const OWNER_PASSWORD_SECRET = "audit-role-password";
const WRITER_PASSWORD_SECRET = "audit-writer-password";

/** The init containers' secrets, read from the vault; none is in the app's env contract. */
export function auditRoleSecrets(
  adminPassword: pulumi.Input<string>,
  auditRolePassword: pulumi.Input<string>,
  auditWriterPassword: pulumi.Input<string>,
): VaultSecretSpec[] {
  return [
    { env: "PGPASSWORD", secretName: ADMIN_PASSWORD_SECRET, value: adminPassword },
    { env: "AUDIT_ROLE_PASSWORD", secretName: OWNER_PASSWORD_SECRET, value: auditRolePassword },
    { env: "AUDIT_WRITER_PASSWORD", secretName: WRITER_PASSWORD_SECRET, value: auditWriterPassword },
  ];
}

export interface AuditRoleStep {
  /** The init containers, in the order they run. */
  containers: azure.app.InitContainerArgs[];
  /** Container Apps secrets the init containers read (Key Vault references through the identity). */
  secrets: azure.app.SecretArgs[];
  /**
   * Changes with the scripts and the password generation: the release runs again after a rotation
   * so the roles get the new passwords before the app reads them.
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
  const scripts = readScripts([AUDIT_ROLE_SCRIPT, AUDIT_WRITER_SCRIPT]);
  const connection: Record<string, pulumi.Input<string>> = {
    PGHOST: serverHost,
    PGPORT: "5432",
    PGDATABASE: AUDIT_DATABASE,
    PGSSLMODE: "require",
  };
  const secretRef = (env: string, secretName: string) => {
    if (!references.some((ref) => ref.secretName === secretName)) {
      throw new Error(`the audit roles' init containers need the vault secret ${secretName}`);
    }
    return { name: env, secretRef: secretName };
  };
  const plainEnv = (plain: Record<string, pulumi.Input<string>>) =>
    Object.entries({ ...connection, ...plain }).map(([name, value]) => ({ name, value }));
  const container = (
    name: string,
    script: keyof typeof scripts,
    plain: Record<string, pulumi.Input<string>>,
    secrets: { name: string; secretRef: string }[],
  ): azure.app.InitContainerArgs => ({
    name,
    // psql of the server's own major version, imported into the instance's registry.
    image,
    command: ["/bin/sh", "-c", scripts[script]],
    env: [...plainEnv(plain), ...secrets],
    resources: { ...AUDIT_ROLE_RESOURCES },
  });
  const generation = settings.rotation.databasePasswords;
  return {
    containers: [
      container(
        "audit-role",
        AUDIT_ROLE_SCRIPT,
        {
          PGUSER: POSTGRES_ADMIN_LOGIN,
          AUDIT_ROLE,
          AUDIT_DATABASE,
          APP_DATABASE,
          // The app reaches its database as the server admin (the only login ARM creates).
          APP_ROLE: POSTGRES_ADMIN_LOGIN,
        },
        [
          secretRef("PGPASSWORD", ADMIN_PASSWORD_SECRET),
          secretRef("AUDIT_ROLE_PASSWORD", OWNER_PASSWORD_SECRET),
        ],
      ),
      container(
        "audit-writer-role",
        AUDIT_WRITER_SCRIPT,
        { PGUSER: POSTGRES_ADMIN_LOGIN, AUDIT_ROLE: AUDIT_WRITER_ROLE, AUDIT_WRITER_STEP: "role" },
        [
          secretRef("PGPASSWORD", ADMIN_PASSWORD_SECRET),
          secretRef("AUDIT_ROLE_PASSWORD", WRITER_PASSWORD_SECRET),
        ],
      ),
      container(
        "audit-writer-grants",
        AUDIT_WRITER_SCRIPT,
        { PGUSER: AUDIT_ROLE, AUDIT_ROLE: AUDIT_WRITER_ROLE, AUDIT_WRITER_STEP: "grants" },
        [secretRef("PGPASSWORD", OWNER_PASSWORD_SECRET)],
      ),
    ],
    secrets: references.map((ref) => ({
      name: ref.secretName,
      keyVaultUrl: ref.keyVaultUrl,
      identity: identityId,
    })),
    digest: crypto
      .createHash("sha256")
      .update(
        `${scripts[AUDIT_ROLE_SCRIPT]}\u0000${scripts[AUDIT_WRITER_SCRIPT]}\u0000generation=${generation}`,
      )
      .digest("hex"),
  };
}
