/**
 * DockerAgencyInstance: one agency's complete instance on one Docker host.
 *
 * Dependency chain: both databases healthy -> current passwords applied -> pre-release backup
 * succeeded -> release succeeded -> web healthy -> proxy; each "succeeded" is a gate on a one-shot
 * job's exit code, so nothing after a failed job changes.
 * Networks: an internal network (no route out, no published ports) for the databases, the
 * release and the web service; a proxy network shared by the web service and Caddy, the only
 * container publishing ports. Configuration is validated before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { AgencyInstanceArgs } from "../args";
import { InstanceSettings, parseInstanceSettings } from "../config";
import { AppImage, ImageSource, imageSource } from "../image";
import { releaseScript } from "../release";
import { dockerRunbook, Runbook, RunbookCommands } from "../runbook";
import { AgencySecrets } from "../secrets";
import {
  backupBeforeRelease,
  backupDirectory,
  backupStorage,
  BackupService,
  PreReleaseBackup,
  SCRIPTS_DIR,
} from "./backup";
import { AppDatabase, AUDIT_WRITER_ROLE, AuditDatabase } from "./database";
import { containerEnvironment } from "./environment";
import { DatabasePasswordRotation } from "./password-rotation";
import { previousImage } from "./previous-deployment";
import { Proxy } from "./proxy";
import { ReleasePhase } from "./release";
import { WEB_HOST, WebService } from "./web";

/** The public base URL: https on the first domain, with the port when it is not 443. */
export function publicUrl(settings: InstanceSettings): string {
  const port = settings.docker.httpsPort === 443 ? "" : `:${settings.docker.httpsPort}`;
  return `https://${settings.domains[0]}${port}`;
}

export class DockerAgencyInstance extends pulumi.ComponentResource {
  /** Public URL of the instance. */
  readonly url: pulumi.Output<string>;
  /** URL of the liveness endpoint. */
  readonly healthUrl: pulumi.Output<string>;
  /** Digest (image ID for local builds) of the image the instance runs. */
  readonly imageDigest: pulumi.Output<string>;
  /** The image released before this one ("" before the second release): what a rollback re-deploys. */
  readonly previousImageDigest: pulumi.Output<string>;
  readonly appDatabaseName: pulumi.Output<string>;
  readonly auditDatabaseName: pulumi.Output<string>;
  /** Connection string of the app database (secret). */
  readonly databaseUrl: pulumi.Output<string>;
  /** Connection string of the audit database (secret). */
  readonly auditDatabaseUrl: pulumi.Output<string>;
  /** Markdown: the exact backup, restore, drill, rollback and key rotation commands for this instance. */
  readonly runbook: pulumi.Output<string>;
  /** The runbook's four procedures, as the reliability report lists them. */
  readonly runbookCommands: pulumi.Output<RunbookCommands>;

  constructor(name: string, args: AgencyInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before registering anything.
    const settings = parseInstanceSettings(args);
    const source: ImageSource = imageSource(settings.agency, settings.image);
    super("agency-deploy:docker:AgencyInstance", name, {}, opts);

    // A remote Docker host gets its own provider; components hand it down to their containers.
    const provider =
      settings.docker.host === undefined
        ? undefined
        : new docker.Provider(`${name}-docker`, { host: settings.docker.host }, { parent: this });
    const child: pulumi.ComponentResourceOptions = {
      parent: this,
      providers: provider ? [provider] : undefined,
    };
    const network: pulumi.CustomResourceOptions = { parent: this, provider };

    const secrets = new AgencySecrets(
      `${name}-secrets`,
      { rotation: settings.rotation, keepPreviousDatabasePasswords: true, auditWriterLogin: true },
      { parent: this },
    );
    const image = new AppImage(`${name}-app`, { source }, child);

    const internal = new docker.Network(`${name}-internal`, { internal: true, driver: "bridge" }, network);
    const edge = new docker.Network(`${name}-edge`, { driver: "bridge" }, network);

    const dbArgs = {
      postgresVersion: settings.postgres.version,
      network: internal.name,
      protectData: settings.protectData,
      limits: settings.resources.database,
    };
    const appDb = new AppDatabase(`${name}-db`, { ...dbArgs, password: secrets.appDatabasePassword }, child);
    const auditDb = new AuditDatabase(
      `${name}-audit-db`,
      { ...dbArgs, password: secrets.auditDatabasePassword },
      child,
    );

    // The release migrates and locks down the audit database as its owner; the web service writes
    // the trail as the append-only login, which cannot change rows or switch the triggers off.
    const auditWriterPassword = secrets.auditWriterPassword!;
    const appEnvironment = (auditDatabaseUrl: pulumi.Input<string>) =>
      containerEnvironment(settings, {
        databaseUrl: appDb.url,
        auditDatabaseUrl,
        secretKey: secrets.secretKey,
        secretKeyFallbacks: secrets.secretKeyFallbacks,
        fieldEncryptionKey: secrets.fieldEncryptionKey,
        fieldEncryptionKeyFallbacks: secrets.fieldEncryptionKeyFallbacks,
      });
    const releaseEnvs = appEnvironment(auditDb.url);
    const webEnvs = appEnvironment(auditDb.writerUrl(auditWriterPassword));

    // A rotated database password reaches the running servers here, before anything uses it.
    const databasesHealthy = [appDb.container, auditDb.container];
    const auditOwner = {
      endpoint: auditDb.endpoint,
      password: secrets.auditDatabasePassword,
      previousPassword: secrets.previousAuditDatabasePassword,
    };
    const rotation = new DatabasePasswordRotation(
      `${name}-password-rotation`,
      {
        postgresVersion: settings.postgres.version,
        network: internal.name,
        logins: [
          {
            endpoint: appDb.endpoint,
            password: secrets.appDatabasePassword,
            previousPassword: secrets.previousAppDatabasePassword,
          },
          auditOwner,
        ],
        auditWriter: { owner: auditOwner, role: AUDIT_WRITER_ROLE, password: auditWriterPassword },
        limits: settings.resources.backup,
      },
      { ...child, dependsOn: databasesHealthy },
    );
    const credentialsReady = [...databasesHealthy, rotation.container];

    // Backups: scheduled, and before every release (a failed pre-release backup aborts the release).
    const beforeRelease = backupBeforeRelease(settings);
    const storage =
      settings.backup.enabled || beforeRelease
        ? backupStorage(`${name}-backups`, settings, network)
        : undefined;
    const backupArgs = storage && {
      postgresVersion: settings.postgres.version,
      network: internal.name,
      databaseUrl: rotation.after(appDb.url),
      auditDatabaseUrl: rotation.after(auditDb.url),
      storage: storage.mount,
      retentionCount: settings.backup.retentionCount,
      retentionDays: settings.backup.retentionDays,
      limits: settings.resources.backup,
    };
    const backup =
      backupArgs && settings.backup.enabled
        ? new BackupService(
            `${name}-backup`,
            { ...backupArgs, schedule: settings.backup.schedule },
            { ...child, dependsOn: credentialsReady },
          )
        : undefined;
    const preRelease =
      backupArgs && beforeRelease
        ? new PreReleaseBackup(
            `${name}-pre-release-backup`,
            {
              ...backupArgs,
              releaseImageId: image.imageId,
              releaseScript: releaseScript(settings.release.steps),
            },
            { ...child, dependsOn: credentialsReady },
          )
        : undefined;

    const release = new ReleasePhase(
      `${name}-release`,
      {
        imageId: rotation.after(preRelease ? preRelease.after(image.imageId) : image.imageId),
        steps: settings.release.steps,
        envs: releaseEnvs,
        networks: [internal.name],
        limits: settings.resources,
      },
      { ...child, dependsOn: [...credentialsReady, ...(preRelease ? [preRelease.container] : [])] },
    );

    const web = new WebService(
      `${name}-web`,
      { settings, imageId: release.imageId, envs: webEnvs, networks: [internal.name, edge.name] },
      { ...child, dependsOn: [release.container] },
    );

    if (settings.proxy.enabled) {
      new Proxy(
        `${name}-proxy`,
        {
          site: {
            domains: settings.domains,
            upstream: `${WEB_HOST}:${web.port}`,
            email: settings.proxy.email,
          },
          network: edge.name,
          httpPort: settings.docker.httpPort,
          httpsPort: settings.docker.httpsPort,
          limits: settings.resources.proxy,
        },
        { ...child, dependsOn: [web.container] },
      );
    }

    const url = publicUrl(settings);
    this.url = pulumi.output(url);
    this.healthUrl = pulumi.output(`${url}${settings.django.healthPath}`);
    this.imageDigest = image.digest;
    this.previousImageDigest = previousImage(`${name}-previous-deployment`, image.digest, { parent: this });
    this.appDatabaseName = pulumi.output(appDb.endpoint.database);
    this.auditDatabaseName = pulumi.output(auditDb.endpoint.database);
    this.databaseUrl = pulumi.secret(appDb.url);
    this.auditDatabaseUrl = pulumi.secret(auditDb.url);
    const runbook: pulumi.Output<Runbook> = pulumi
      .all([
        backup?.container.name,
        preRelease?.container.name,
        rotation.container.name,
        web.container.name,
        storage?.description,
      ])
      .apply(([backupContainer, preReleaseContainer, rotationContainer, webContainer, storageDescription]) =>
        dockerRunbook({
          agency: settings.agency,
          stack: pulumi.getStack(),
          mode: settings.mode,
          rotation: settings.rotation,
          backupContainer,
          preReleaseBackupContainer: preReleaseContainer,
          passwordRotationContainer: rotationContainer,
          // The provider auto-names the web container; mocks without its auto-naming leave it unset.
          webContainer: webContainer ?? `${name}-web-server-<suffix>`,
          backupStorage: storageDescription,
          backupDir: backupDirectory(settings.postgres.version),
          scriptsDir: SCRIPTS_DIR,
          builtFromContext: source.build !== undefined,
        }),
      );
    this.runbook = runbook.apply((r) => r.markdown);
    this.runbookCommands = runbook.apply((r) => r.commands);
    this.registerOutputs({
      url: this.url,
      healthUrl: this.healthUrl,
      imageDigest: this.imageDigest,
      previousImageDigest: this.previousImageDigest,
      appDatabaseName: this.appDatabaseName,
      auditDatabaseName: this.auditDatabaseName,
      databaseUrl: this.databaseUrl,
      auditDatabaseUrl: this.auditDatabaseUrl,
      runbook: this.runbook,
      runbookCommands: this.runbookCommands,
    });
  }
}
