/**
 * DockerAgencyInstance: one agency's complete instance on one Docker host.
 *
 * Dependency chain: both databases healthy -> current passwords applied -> pre-release backup
 * succeeded -> release succeeded -> this release's web container healthy (its health gate, beside
 * it, fails the update with its logs otherwise) -> proxy routes to it ->
 * (the engine deletes the previous release's container last); each "succeeded" is a gate on a
 * one-shot job's exit code, so nothing after a failed job changes. Every job records its success in
 * the JobLedger (job-ledger.ts), so a failed one runs again on the next `up`.
 * Networks: an internal network (no route out, no published ports) for the databases, the
 * release and the web service; a proxy network shared by the web service and Caddy, the only
 * container publishing ports. Configuration is validated before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { AgencyInstanceArgs } from "../args";
import {
  ConfigError,
  InstanceSettings,
  protectedDataChanges,
  ProtectedSettings,
  protectedSettings,
  type SettingsOrigin,
} from "../config";
import { declaredInstance } from "../declared-instance";
import { AppImage, sourceDigest } from "../image";
import { releaseScript } from "../release";
import { dockerRunbook, Runbook, RunbookCommands } from "../runbook";
import { instanceOutputs } from "../outputs";
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
import { JobLedger, JobRecords } from "./job-ledger";
import { lastDeploymentOutputs, previousImage } from "./previous-deployment";
import { type EngineEndpoint, instanceEngine } from "./health-gate";
import { Proxy, RouteSwitch } from "./proxy";
import { ReleasePhase } from "./release";
import { releaseKey, WEB_HOST, webContainersCommand, WebService } from "./web";

/** The stack output recording the settings that would replace a protected database. */
export const PROTECTED_SETTINGS_OUTPUT = "protectedSettings";

/** The protected settings the last completed update recorded, if any. */
export function lastProtectedSettings(
  outputs: Record<string, unknown> | undefined,
): Partial<ProtectedSettings> | undefined {
  const recorded = outputs?.[PROTECTED_SETTINGS_OUTPUT];
  return typeof recorded === "object" && recorded !== null
    ? (recorded as Partial<ProtectedSettings>)
    : undefined;
}

/**
 * The Docker engine the health gate asks (health-gate.ts), or a ConfigError naming where its
 * address came from: the instance's `docker.host` as its origin names settings, else the
 * provider's own `docker:host` (or DOCKER_HOST), which is no setting of the instance.
 */
function dockerEngine(settings: InstanceSettings, origin: SettingsOrigin): pulumi.Input<EngineEndpoint> {
  try {
    return instanceEngine(settings.docker.host, new pulumi.Config("docker"), process.env);
  } catch (error) {
    const message = (error as Error).message;
    if (settings.docker.host !== undefined) throw origin.problems([{ path: ["docker", "host"], message }]);
    throw new ConfigError([{ key: "docker:host", message }], origin.heading);
  }
}

/** The public base URL: https on the first domain, with the port when it is not 443. */
export function publicUrl(settings: InstanceSettings, domains: readonly string[]): string {
  const port = settings.docker.httpsPort === 443 ? "" : `:${settings.docker.httpsPort}`;
  return `https://${domains[0]}${port}`;
}

/**
 * One agency's complete instance on one Docker host: generated secrets, the app image, the app and
 * audit PostgreSQL databases, backups, the release phase, the gunicorn web service and the Caddy
 * TLS proxy.
 */
export class DockerAgencyInstance extends pulumi.ComponentResource {
  /** Public URL of the instance. */
  readonly url: pulumi.Output<string>;
  /** URL of the liveness endpoint. */
  readonly healthUrl: pulumi.Output<string>;
  /** Digest (image ID for local builds) of the image the instance runs. */
  readonly imageDigest: pulumi.Output<string>;
  /** The image released before this one ("" before the second release): what a rollback re-deploys. */
  readonly previousImageDigest: pulumi.Output<string>;
  /** Name of the app database. */
  readonly appDatabaseName: pulumi.Output<string>;
  /** Name of the audit database. */
  readonly auditDatabaseName: pulumi.Output<string>;
  /** Connection string of the app database (secret). */
  readonly databaseUrl: pulumi.Output<string>;
  /** Connection string of the audit database (secret). */
  readonly auditDatabaseUrl: pulumi.Output<string>;
  /** Markdown: the exact backup, restore, drill, rollback and key rotation commands for this instance. */
  readonly runbook: pulumi.Output<string>;
  /** The runbook's four procedures, as the reliability report lists them. */
  readonly runbookCommands: pulumi.Output<RunbookCommands>;
  /** Export as `jobLedger`: which one-shot jobs succeeded with which inputs (job-ledger.ts). */
  readonly jobLedger: pulumi.Output<JobRecords>;
  /** Export as `protectedSettings`: lets the next update refuse changes that replace the databases. */
  readonly protectedSettings: pulumi.Output<ProtectedSettings>;

  constructor(name: string, args: AgencyInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate everything before registering anything.
    const { origin, settings, source, domains } = declaredInstance("DockerAgencyInstance", name, args);
    const engine = dockerEngine(settings, origin);
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
    const last = lastDeploymentOutputs(`${name}-previous-deployment`, { parent: this });
    const ledger = new JobLedger(last);
    // Refused before the database containers see it: their replacement would fail on protection.
    const protectedChangesRefused = last.apply((outputs) => {
      const issues = protectedDataChanges(settings, lastProtectedSettings(outputs), origin.key);
      if (issues.length > 0) throw new ConfigError(issues, origin.heading);
      return true;
    });

    const internal = new docker.Network(`${name}-internal`, { internal: true, driver: "bridge" }, network);
    const edge = new docker.Network(`${name}-edge`, { driver: "bridge" }, network);

    const dbArgs = {
      postgresVersion: settings.postgres.version,
      network: internal.name,
      protectData: settings.protectData,
      limits: settings.resources.database,
      refused: protectedChangesRefused,
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
      containerEnvironment(settings, domains, {
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
        timeoutMinutes: settings.timeouts.rotationMinutes,
        ledger,
        generationSetting: origin.key(["rotation", "databasePasswords"]),
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
              timeoutMinutes: settings.timeouts.backupMinutes,
              ledger,
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
        timeoutMinutes: settings.timeouts.releaseMinutes,
        ledger,
      },
      { ...child, dependsOn: [...credentialsReady, ...(preRelease ? [preRelease.container] : [])] },
    );

    const web = new WebService(
      `${name}-web`,
      {
        settings,
        domains,
        releaseKey: releaseKey(settings, sourceDigest(source)),
        imageId: release.imageId,
        envs: webEnvs,
        networks: [internal.name, edge.name],
        engine,
      },
      { ...child, dependsOn: [release.container] },
    );

    const site = { domains, email: settings.proxy.email };
    let routed: RouteSwitch | undefined;
    if (settings.proxy.enabled) {
      const proxy = new Proxy(
        `${name}-proxy`,
        {
          // Its own config routes to every release's shared name; RouteSwitch narrows it to this one.
          site: { ...site, upstream: `${WEB_HOST}:${web.port}` },
          network: edge.name,
          httpPort: settings.docker.httpPort,
          httpsPort: settings.docker.httpsPort,
          limits: settings.resources.proxy,
        },
        { ...child, dependsOn: [web.container] },
      );
      routed = new RouteSwitch(
        `${name}-route-switch`,
        {
          proxy,
          site: { ...site, upstream: `${web.releaseHost}:${web.port}` },
          limits: settings.resources.proxy,
          ledger,
        },
        // The gate fails the update with the new container's logs when it does not become healthy.
        { ...child, dependsOn: [web.container, web.healthGate, proxy.container] },
      );
    }

    const url = domains.apply((resolved) => publicUrl(settings, resolved));
    // The URL resolves once the proxy routes to this release: a failed switch fails the update.
    this.url = routed ? routed.after(url) : url;
    this.healthUrl = pulumi.interpolate`${url}${settings.django.healthPath}`;
    this.imageDigest = image.digest;
    this.previousImageDigest = previousImage(image.digest, last);
    this.jobLedger = ledger.output();
    this.protectedSettings = pulumi.output(protectedSettings(settings));
    this.appDatabaseName = pulumi.output(appDb.endpoint.database);
    this.auditDatabaseName = pulumi.output(auditDb.endpoint.database);
    this.databaseUrl = pulumi.secret(appDb.url);
    // The app's own login to the audit trail (append-only), not the owner's (a superuser).
    this.auditDatabaseUrl = auditDb.writerUrl(auditWriterPassword);
    const runbook: pulumi.Output<Runbook> = pulumi
      .all([
        backup?.container.name,
        preRelease?.container.name,
        rotation.container.name,
        storage?.description,
      ])
      .apply(([backupContainer, preReleaseContainer, rotationContainer, storageDescription]) =>
        dockerRunbook({
          agency: settings.agency,
          stack: pulumi.getStack(),
          mode: settings.mode,
          rotation: settings.rotation,
          settings: origin,
          backupContainer,
          preReleaseBackupContainer: preReleaseContainer,
          passwordRotationContainer: rotationContainer,
          // By label: the web container's name changes with every release.
          webContainer: webContainersCommand(`${name}-web`),
          backupStorage: storageDescription,
          backupDir: backupDirectory(settings.postgres.version),
          scriptsDir: SCRIPTS_DIR,
          builtFromContext: source.build !== undefined,
        }),
      );
    this.runbook = runbook.apply((r) => r.markdown);
    this.runbookCommands = runbook.apply((r) => r.commands);
    this.registerOutputs({
      ...instanceOutputs(this),
      jobLedger: this.jobLedger,
      protectedSettings: this.protectedSettings,
    });
  }
}
