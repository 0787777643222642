/**
 * AzureAgencyInstance: one agency's hardened instance on Azure Container Apps, PostgreSQL
 * Flexible Server and Key Vault, sized for a small organisation.
 *
 * Guarantees, in dependency order:
 *  - the settings are valid (every problem reported with its config key) before anything exists;
 *  - secrets are generated, kept in Key Vault, and read by apps only through the instance identity,
 *    which holds "Key Vault Secrets User" before any app or job exists;
 *  - the server requires TLS, keeps point-in-time backups, is not open to the internet, and its
 *    configuration is applied before the databases are created, one change at a time;
 *  - the audit database has its own logins: the release job's init containers (the only place the
 *    admin password goes besides the app's DATABASE_URL) create, before any release step, the
 *    owner the release migrates and locks down as, and the append-only writer the web app uses,
 *    and set their passwords again after every rotation (audit-role.ts);
 *  - the release job runs the ordered release steps against both databases and must succeed
 *    before the web app changes; it runs again whenever the image, the steps or the database
 *    password generation change;
 *  - the web app serves HTTPS only, is probed, and keeps at least one replica in production.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { AgencyInstanceArgs } from "../args";
import type { InstanceSettings } from "../config";
import { declaredInstance } from "../declared-instance";
import { AgencyInstanceOutputs, instanceOutputs } from "../outputs";
import { azureRunbook, Runbook, RunbookCommands } from "../runbook";
import { AgencySecrets, generationsOf, joinKeyList } from "../secrets";
import { auditRoleSecrets, auditRoleStep } from "./audit-role";
import { containerShape } from "./containers";
import { createDatabases } from "./database";
import { createFoundation } from "./foundation";
import { createImage, createRegistry } from "./registry";
import { RegistryImport } from "./registry-import";
import { postgresImage } from "../docker/database";
import { ARM_ENDPOINT, createReleasePhase, RELEASE_POLL_SECONDS } from "./release-job";
import { assertAzureSettings, publicHosts, RestoreProcedure } from "./sizing";
import { createVault, VaultSecretSpec } from "./vault";
import { createWebApp } from "./web";

export const AZURE_INSTANCE_TYPE = "agency-deploy:azure:AgencyInstance";

/** How long `pulumi up` waits for ACR to copy the init image. */
export const REGISTRY_IMPORT_TIMEOUT_SECONDS = 600;

/**
 * One agency's hardened instance on Azure: Container Apps (the web app and the release job),
 * PostgreSQL Flexible Server (the app and audit databases) and Key Vault (the generated secrets).
 */
export class AzureAgencyInstance extends pulumi.ComponentResource implements AgencyInstanceOutputs {
  /** The app's HTTPS address on Azure (its default Container Apps host name). */
  readonly url: pulumi.Output<string>;
  /** The agency's canonical address (the first domain), once its DNS and certificate are bound. */
  readonly canonicalUrl: pulumi.Output<string>;
  /** URL of the liveness endpoint. */
  readonly healthUrl: pulumi.Output<string>;
  /** The image the web app runs, pinned by digest. */
  readonly imageDigest: pulumi.Output<string>;
  /** The image released before this one ("" before the second release): the rollback target. */
  readonly previousImageDigest: pulumi.Output<string>;
  /** Name of the app database. */
  readonly appDatabaseName: pulumi.Output<string>;
  /** Name of the audit database. */
  readonly auditDatabaseName: pulumi.Output<string>;
  /** Connection string of the app database (secret). */
  readonly databaseUrl: pulumi.Output<string>;
  /** Connection string of the audit database (secret). */
  readonly auditDatabaseUrl: pulumi.Output<string>;
  /** The resource group holding the instance. */
  readonly resourceGroupName: pulumi.Output<string>;
  /** The PostgreSQL Flexible Server holding both databases. */
  readonly postgresServerName: pulumi.Output<string>;
  /** The Key Vault holding the instance's secrets. */
  readonly keyVaultName: pulumi.Output<string>;
  /** The Container Apps Job that runs the release phase. */
  readonly releaseJobName: pulumi.Output<string>;
  /** Point-in-time restore: the exact `az postgres flexible-server restore` command and the steps around it. */
  readonly restore: pulumi.Output<RestoreProcedure>;
  /** Markdown: the exact backup, restore, rollback and key rotation commands for this instance. */
  readonly runbook: pulumi.Output<string>;
  /** The runbook's four procedures, as the reliability report lists them. */
  readonly runbookCommands: pulumi.Output<RunbookCommands>;

  constructor(name: string, args: AgencyInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    const { origin, settings, source, domains } = declaredInstance(
      "AzureAgencyInstance",
      name,
      args,
      assertAzureSettings,
    );
    super(AZURE_INSTANCE_TYPE, name, {}, opts);

    const canonicalHost = domains.apply((known) => known[0]);
    const foundation = createFoundation(name, settings, this);
    const secrets = new AgencySecrets(
      `${name}-secrets`,
      { rotation: settings.rotation, auditWriterLogin: true },
      { parent: this },
    );
    const auditWriterPassword = secrets.auditWriterPassword!;
    const registry = createRegistry(name, foundation, this);
    const image = createImage(name, settings.agency, source, foundation, registry, this);
    // The init container's psql, copied from Docker Hub into the instance's registry at deploy.
    const postgres = postgresImage(settings.postgres.version);
    const initImage = new RegistryImport(
      `${name}-postgres-image`,
      {
        registryId: registry.registry.id,
        loginServer: registry.registry.loginServer,
        sourceRegistry: "docker.io",
        sourceImage: `library/${postgres}`,
        targetTag: postgres,
        managementEndpoint: ARM_ENDPOINT,
        token: pulumi.secret(authorization.getClientTokenOutput({}, { parent: this }).token),
        timeoutSeconds: REGISTRY_IMPORT_TIMEOUT_SECONDS,
        pollSeconds: RELEASE_POLL_SECONDS,
      },
      { parent: this },
    );
    const databases = createDatabases(
      name,
      settings,
      foundation,
      secrets.auditDatabasePassword,
      auditWriterPassword,
      this,
    );

    const appSecrets = vaultSecrets(settings, secrets, databases);
    // One env name, two logins: the release migrates as the audit tables' owner, the web app
    // writes the trail as the append-only writer.
    const releaseAudit: VaultSecretSpec = {
      env: "AUDIT_DATABASE_URL",
      secretName: "audit-database-url",
      value: databases.auditDatabaseUrl,
    };
    const webAudit: VaultSecretSpec = {
      env: "AUDIT_DATABASE_URL",
      secretName: "audit-writer-database-url",
      value: databases.auditWriterDatabaseUrl,
    };
    const roleSecrets = auditRoleSecrets(
      databases.adminPassword,
      secrets.auditDatabasePassword,
      auditWriterPassword,
    );
    const vault = createVault(
      name,
      foundation,
      [...appSecrets, releaseAudit, webAudit, ...roleSecrets],
      this,
    );
    const referencesTo = (specs: VaultSecretSpec[]) =>
      vault.references.filter((ref) => specs.some((spec) => spec.secretName === ref.secretName));
    const defaultHost = pulumi.interpolate`${foundation.names.webApp}.${foundation.environment.defaultDomain}`;
    const hosts = pulumi.all([domains, defaultHost]).apply(([known, host]) => publicHosts(known, host));
    const shapeWith = (audit: VaultSecretSpec) =>
      containerShape(
        settings,
        hosts,
        referencesTo([...appSecrets, audit]),
        foundation.identity.id,
        image.registryServer,
      );
    const auditRole = auditRoleStep(
      settings,
      databases.host,
      referencesTo(roleSecrets),
      foundation.identity.id,
      initImage.image,
    );
    const access = [vault.readAccess, ...(image.pullAccess === undefined ? [] : [image.pullAccess])];

    const release = createReleasePhase(
      name,
      settings,
      foundation,
      image.ref,
      shapeWith(releaseAudit),
      auditRole,
      [...access, databases.ready],
      this,
    );
    const web = createWebApp(
      name,
      settings,
      foundation,
      image.ref,
      shapeWith(webAudit),
      [release.execution, ...access],
      this,
      canonicalHost,
    );

    this.url = pulumi.interpolate`https://${defaultHost}`;
    this.canonicalUrl = pulumi.interpolate`https://${canonicalHost}`;
    this.healthUrl = pulumi.interpolate`${this.url}${settings.django.healthPath}`;
    // Read through the web app so the digest is reported only once the app runs it.
    this.imageDigest = pulumi.all([web.id, image.ref]).apply(([, ref]) => ref);
    this.previousImageDigest = release.execution.previousImage;
    this.appDatabaseName = databases.appDatabase.name;
    this.auditDatabaseName = databases.auditDatabase.name;
    this.databaseUrl = databases.databaseUrl;
    // The app's own login to the audit trail (append-only), not the owner's.
    this.auditDatabaseUrl = databases.auditWriterDatabaseUrl;
    this.resourceGroupName = foundation.resourceGroupName;
    this.postgresServerName = databases.serverName;
    this.keyVaultName = vault.vault.name;
    this.releaseJobName = release.job.name;
    this.restore = databases.restore;
    const runbook: pulumi.Output<Runbook> = pulumi
      .all([databases.restore, web.name, release.job.name])
      .apply(([restore, webApp, releaseJob]) =>
        azureRunbook({
          agency: settings.agency,
          stack: pulumi.getStack(),
          mode: settings.mode,
          rotation: settings.rotation,
          settings: origin,
          resourceGroup: restore.resourceGroup,
          postgresServer: restore.sourceServer,
          webApp,
          releaseJob,
          retentionDays: restore.retentionDays,
          geoRedundantBackup: restore.geoRedundantBackup,
          restoreCommand: restore.command,
          protectData: settings.protectData,
        }),
      );
    this.runbook = runbook.apply((r) => r.markdown);
    this.runbookCommands = runbook.apply((r) => r.commands);
    this.registerOutputs({
      ...instanceOutputs(this),
      canonicalUrl: this.canonicalUrl,
      resourceGroupName: this.resourceGroupName,
      postgresServerName: this.postgresServerName,
      keyVaultName: this.keyVaultName,
      releaseJobName: this.releaseJobName,
      restore: this.restore,
    });
  }
}

/**
 * The secret env vars the release and the web app share, as Key Vault secrets (AUDIT_DATABASE_URL
 * differs between them); fallbacks only while a rotation keeps one.
 */
function vaultSecrets(
  settings: InstanceSettings,
  secrets: AgencySecrets,
  databases: { databaseUrl: pulumi.Output<string> },
): VaultSecretSpec[] {
  const specs: VaultSecretSpec[] = [
    { env: "SECRET_KEY", secretName: "secret-key", value: secrets.secretKey },
    { env: "FIELD_ENCRYPTION_KEY", secretName: "field-encryption-key", value: secrets.fieldEncryptionKey },
    { env: "DATABASE_URL", secretName: "database-url", value: databases.databaseUrl },
  ];
  if (generationsOf(settings.rotation.secretKey).previous !== undefined) {
    specs.push({
      env: "SECRET_KEY_FALLBACKS",
      secretName: "secret-key-fallbacks",
      value: secrets.secretKeyFallbacks.apply(joinKeyList),
    });
  }
  if (generationsOf(settings.rotation.fieldEncryptionKey).previous !== undefined) {
    specs.push({
      env: "FIELD_ENCRYPTION_KEY_FALLBACKS",
      secretName: "field-encryption-key-fallbacks",
      value: secrets.fieldEncryptionKeyFallbacks.apply(joinKeyList),
    });
  }
  return specs;
}
