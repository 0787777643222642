/**
 * AppDatabase and AuditDatabase on one PostgreSQL Flexible Server: TLS required, point-in-time
 * restore kept for the configured days, reachable only from Azure services (or only from the VNet
 * when a delegated subnet is given), and protected from `pulumi destroy` unless opted out.
 *
 * The server accepts one change at a time: configurations and databases updated in parallel fail
 * with ServerBusy, so every child below depends on the one before it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import { InstanceSettings } from "../config";
import { generationsOf } from "../secrets";
import { Foundation } from "./foundation";
import {
  APP_DATABASE,
  AUDIT_DATABASE,
  AUDIT_ROLE,
  AUDIT_WRITER_ROLE,
  backupRetentionDays,
  databaseUrl,
  POSTGRES_ADMIN_LOGIN,
  restoreProcedure,
  RestoreProcedure,
} from "./sizing";

/** Server parameters set on every instance, applied one after the other. */
export const SERVER_PARAMETERS: ReadonlyArray<{ role: string; name: string; value: string }> = [
  { role: "tls", name: "require_secure_transport", value: "ON" },
];

export interface Databases {
  server: dbforpostgresql.Server;
  serverName: pulumi.Output<string>;
  appDatabase: dbforpostgresql.Database;
  auditDatabase: dbforpostgresql.Database;
  /** The last resource of the serialised chain: depend on it to see the databases ready. */
  ready: pulumi.Resource;
  /** The server's host name, as libpq's PGHOST. */
  host: pulumi.Output<string>;
  /** The server admin's password (secret): the app's login, and the one that creates the audit role. */
  adminPassword: pulumi.Output<string>;
  /** The app database as the server admin. */
  databaseUrl: pulumi.Output<string>;
  /** The audit database as AUDIT_ROLE, the tables' owner: the release job's (migrations, lockdown). */
  auditDatabaseUrl: pulumi.Output<string>;
  /** The audit database as AUDIT_WRITER_ROLE, append-only: the web app's. */
  auditWriterDatabaseUrl: pulumi.Output<string>;
  restore: pulumi.Output<RestoreProcedure>;
}

export function createDatabases(
  name: string,
  settings: InstanceSettings,
  foundation: Foundation,
  auditRolePassword: pulumi.Input<string>,
  auditWriterPassword: pulumi.Input<string>,
  parent: pulumi.Resource,
): Databases {
  const azure = settings.azure;
  const dataOpts = { parent, protect: settings.protectData };
  const resourceGroupName = foundation.resourceGroupName;
  const retentionDays = backupRetentionDays(settings);

  const passwordGeneration = generationsOf(settings.rotation.databasePasswords).current;
  // Azure wants 3 of 4 character classes; letters and digits avoid URL and shell escaping.
  const adminPassword = pulumi.secret(
    new random.RandomPassword(
      `${name}-postgres-admin-password-g${passwordGeneration}`,
      {
        length: 32,
        special: false,
        minUpper: 2,
        minLower: 2,
        minNumeric: 2,
        keepers: { generation: String(passwordGeneration) },
      },
      { parent },
    ).result,
  );

  const privateNetwork = azure.postgresSubnetId !== undefined;
  const server = new dbforpostgresql.Server(
    `${name}-postgres`,
    {
      resourceGroupName,
      location: foundation.location,
      serverName: foundation.names.postgresServer,
      version: String(settings.postgres.version),
      sku: { name: azure.postgresSku, tier: azure.postgresTier },
      storage: { storageSizeGB: azure.storageGb, autoGrow: "Enabled" },
      backup: {
        backupRetentionDays: retentionDays,
        geoRedundantBackup: azure.geoRedundantBackup ? "Enabled" : "Disabled",
      },
      highAvailability: { mode: "Disabled" },
      administratorLogin: POSTGRES_ADMIN_LOGIN,
      administratorLoginPassword: adminPassword,
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
      network: privateNetwork
        ? {
            delegatedSubnetResourceId: azure.postgresSubnetId,
            privateDnsZoneArmResourceId: azure.postgresPrivateDnsZoneId,
            publicNetworkAccess: "Disabled",
          }
        : { publicNetworkAccess: "Enabled" },
      tags: foundation.tags,
    },
    { ...dataOpts, additionalSecretOutputs: ["administratorLoginPassword"] },
  );
  const serverName = server.name;

  // Serialise every child of the server: each waits for the previous one.
  let previous: pulumi.Resource = server;
  if (!privateNetwork) {
    // 0.0.0.0-0.0.0.0 is Azure's "allow Azure services" rule: no address on the internet matches it.
    previous = new dbforpostgresql.FirewallRule(
      `${name}-postgres-azure-services`,
      { resourceGroupName, serverName, startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" },
      { parent, dependsOn: [previous] },
    );
  }
  for (const parameter of SERVER_PARAMETERS) {
    previous = new dbforpostgresql.Configuration(
      `${name}-postgres-${parameter.role}`,
      {
        resourceGroupName,
        serverName,
        configurationName: parameter.name,
        value: parameter.value,
        source: "user-override",
      },
      { parent, dependsOn: [previous] },
    );
  }
  const appDatabase = new dbforpostgresql.Database(
    `${name}-app-db`,
    { resourceGroupName, serverName, databaseName: APP_DATABASE, charset: "UTF8", collation: "en_US.utf8" },
    { ...dataOpts, dependsOn: [previous] },
  );
  const auditDatabase = new dbforpostgresql.Database(
    `${name}-audit-db`,
    { resourceGroupName, serverName, databaseName: AUDIT_DATABASE, charset: "UTF8", collation: "en_US.utf8" },
    { ...dataOpts, dependsOn: [appDatabase] },
  );

  const url = (login: string, password: pulumi.Input<string>, database: string) =>
    pulumi.secret(
      pulumi
        .all([server.fullyQualifiedDomainName, password])
        .apply(([host, secret]) => databaseUrl(login, secret, host, database)),
    );

  return {
    server,
    serverName,
    appDatabase,
    auditDatabase,
    ready: auditDatabase,
    host: server.fullyQualifiedDomainName,
    adminPassword,
    databaseUrl: url(POSTGRES_ADMIN_LOGIN, adminPassword, APP_DATABASE),
    auditDatabaseUrl: url(AUDIT_ROLE, auditRolePassword, AUDIT_DATABASE),
    auditWriterDatabaseUrl: url(AUDIT_WRITER_ROLE, auditWriterPassword, AUDIT_DATABASE),
    restore: pulumi
      .all([resourceGroupName, serverName])
      .apply(([rg, server]) => restoreProcedure(rg, server, retentionDays, azure.geoRedundantBackup)),
  };
}
