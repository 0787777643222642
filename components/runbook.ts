/**
 * The instance's runbook: the exact commands, for its target and with its real resource names,
 * to back up, restore, drill a restore, roll back a release and rotate keys.
 *
 * Pure functions of plain facts, so the markdown is testable without Pulumi; each instance
 * resolves its names (container names, server names, URNs) and calls the function of its target.
 * `runbookCommands` is the structured form the reliability report shows under "Deployment
 * Runbook Gaps": a procedure the deployment cannot provide is left out, and so reported as a gap.
 */
import type { Mode, SettingsOrigin } from "./config";

/**
 * The four procedures the report asks for. Same shape as `RunbookCommands` in
 * policies/command/report/model.ts; declared here so the library does not depend on the policy pack.
 */
export interface RunbookCommands {
  /** Take a backup of both databases before a release that migrates. */
  backupBeforeMigration?: string;
  /** Re-deploy the image released before this one. */
  rollback?: string;
  /** Rotate the generated secrets by one generation; the previous one stays valid as a fallback. */
  keyRotation?: string;
  /** Restore both databases from a backup. */
  restore?: string;
}

export interface Runbook {
  markdown: string;
  commands: RunbookCommands;
}

/** Rotation generations as configured (`rotation.*`): the next rotation sets each to current + 1. */
export interface RotationGenerations {
  secretKey: string;
  fieldEncryptionKey: string;
  databasePasswords: string;
}

/**
 * How the instance's settings are named and changed (config.ts settingsOrigin): a stack's config
 * by `pulumi config` commands, the args of an instance built in code by editing the program.
 */
export type RunbookSettings = Pick<SettingsOrigin, "key" | "component">;

interface CommonFacts {
  agency: string;
  stack: string;
  mode: Mode;
  rotation: RotationGenerations;
  settings: RunbookSettings;
}

export interface DockerRunbookFacts extends CommonFacts {
  /** The scheduled backup container; absent when `backup.enabled` is false. */
  backupContainer?: string;
  /** The latest pre-release backup container; absent when `backup.beforeRelease` is off. */
  preReleaseBackupContainer?: string;
  /** The one-shot job that applies rotated database passwords (`ALTER ROLE`). */
  passwordRotationContainer: string;
  /** The web container(s), as `docker stop`/`docker start` arguments (a name or a `$(docker ps ...)`). */
  webContainer: string;
  /** Where dumps are kept, for people ("Docker volume ..." or "host directory ..."). */
  backupStorage?: string;
  /** Inside the backup containers. */
  backupDir: string;
  scriptsDir: string;
  /** Whether the image is built from a context (else pulled by reference). */
  builtFromContext: boolean;
}

export interface AzureRunbookFacts extends CommonFacts {
  resourceGroup: string;
  postgresServer: string;
  webApp: string;
  releaseJob: string;
  retentionDays: number;
  geoRedundantBackup: boolean;
  /** The exact `az postgres flexible-server restore` command, RESTORE_TIME to fill in. */
  restoreCommand: string;
  protectData: boolean;
}

/**
 * One step of a procedure: a shell command, or (for an instance built in code, whose settings no
 * command changes) an edit of the program that declares it.
 */
type Step = string | { edit: string };

const fence = (steps: Step[]): string =>
  ["```sh", ...steps.map((step) => (typeof step === "string" ? step : `# ${step.edit}`)), "```"].join("\n");
/**
 * Steps as one `&&` line for the report: comment lines dropped and trailing comments cut, since a
 * `#` would turn every later step of the line into a comment; an edit of the program is kept, in words.
 */
const oneLine = (steps: Step[]): string =>
  steps
    .filter((step) => typeof step !== "string" || !step.startsWith("#"))
    .map((step) => (typeof step === "string" ? step.replace(/\s+#\s.*$/, "") : step.edit))
    .join(" && ");
const next = (generation: string): number => Number(generation) + 1;

/** A setting to change: its new value as a shell argument and as written in the program; both absent removes it. */
interface SettingChange {
  path: string[];
  config?: string;
  code?: string;
}

/**
 * The steps that make `changes`: for a stack's config, one `pulumi config` command each; for an
 * instance built in code, one edit naming each argument (by its args path) and its new value.
 */
function settingSteps(facts: CommonFacts, changes: SettingChange[]): Step[] {
  const { key, component } = facts.settings;
  if (component === undefined) {
    return changes.map(({ path, config }) =>
      config === undefined
        ? `pulumi config rm --path '${key(path)}' -s ${facts.stack}`
        : `pulumi config set --path '${key(path)}' ${config} -s ${facts.stack}`,
    );
  }
  const edits = changes.map(({ path, code }) =>
    code === undefined ? `remove ${key(path)}` : `set ${key(path)} to ${code}`,
  );
  return [{ edit: `in the program that declares ${component}, ${edits.join(" and ")}` }];
}

/** The steps that raise each of the rotation generations `names` one past its current value. */
function rotationSteps(facts: CommonFacts, names: (keyof RotationGenerations)[]): Step[] {
  return settingSteps(
    facts,
    names.map((name) => {
      const generation = next(facts.rotation[name]);
      return {
        path: ["rotation", name],
        config: String(generation),
        code: JSON.stringify(String(generation)),
      };
    }),
  );
}

/** Where the rotation generations are set, for people. */
const generationsHeld = (facts: CommonFacts): string =>
  facts.settings.component === undefined ? "in config" : `in the args of ${facts.settings.component}`;

const ROTATION_EFFECTS = [
  "- `SECRET_KEY`: the new key signs; the previous one moves to `SECRET_KEY_FALLBACKS`, so sessions and " +
    "signed links stay valid until the next rotation drops it.",
  "- `FIELD_ENCRYPTION_KEY`: the new key encrypts; the previous one stays in `FIELD_ENCRYPTION_KEY_FALLBACKS` " +
    "and still decrypts (MultiFernet). Re-save encrypted rows before rotating again: the next rotation drops it.",
  "- Database passwords: a role has one password at a time, so there is no fallback. The new password is " +
    "applied to both databases and every connection string in the same `pulumi up`.",
];

/** The stack output naming the image released before the current one (kept by the deployment). */
const previousDigest = (stack: string): string => `pulumi stack output previousImageDigest -s ${stack}`;

export function dockerRunbook(facts: DockerRunbookFacts): Runbook {
  const { stack, backupDir, scriptsDir } = facts;
  const key = (path: string) => facts.settings.key(path.split("."));
  const backup = facts.backupContainer;
  const keySteps = [...rotationSteps(facts, ["secretKey", "fieldEncryptionKey"]), `pulumi up -s ${stack}`];
  const sections: string[] = [
    `# Runbook: ${facts.agency} (stack \`${stack}\`, Docker, ${facts.mode})`,
    "Run the `docker` commands on the Docker host (or with `DOCKER_HOST` set to it), the `pulumi` commands " +
      "in the agency-deploy project. Connection strings stay inside the containers: the commands expand " +
      "`$DATABASE_URL` there and never print it.",
  ];
  const commands: RunbookCommands = {};

  if (backup !== undefined) {
    sections.push(
      "## Backup now",
      `Both databases are dumped (pg_dump custom format) to ${facts.backupStorage ?? backupDir} on the configured schedule. To take one now:`,
      fence([
        `docker exec -e BACKUP_LABEL=manual ${backup} ${scriptsDir}/backup.sh`,
        `docker exec ${backup} ls -l ${backupDir}`,
      ]),
    );
  }

  sections.push("## Backup before migration");
  if (facts.preReleaseBackupContainer !== undefined) {
    const see = [`docker logs ${facts.preReleaseBackupContainer}`];
    if (backup !== undefined)
      see.push(`docker exec ${backup} sh -c 'ls -1t ${backupDir}/*-pre-release-*.dump'`);
    sections.push(
      "Automatic: every `pulumi up` that runs the release (new image or new steps) first dumps both databases " +
        "with the label `pre-release`; if that backup fails, the release and the web service are not changed. " +
        "See the latest one:",
      fence(see),
    );
    commands.backupBeforeMigration = `automatic before every release; check it with: ${see.join(" && ")}`;
  } else if (backup !== undefined) {
    const manual = `docker exec -e BACKUP_LABEL=pre-release ${backup} ${scriptsDir}/backup.sh`;
    sections.push(
      `Not automatic on this stack (\`${key("backup.beforeRelease")}\` is off). Before every \`pulumi up\` that changes the image or the release steps, run:`,
      fence([manual]),
    );
    commands.backupBeforeMigration = `${manual}   # before pulumi up -s ${stack}`;
  } else {
    sections.push(
      `Not available: \`${key("backup.enabled")}\` and \`${key("backup.beforeRelease")}\` are both off on this stack.`,
    );
  }

  const restoreSteps =
    backup === undefined
      ? undefined
      : [
          `docker exec ${backup} ls -1t ${backupDir}   # pick APP_DUMP and AUDIT_DUMP (same timestamp)`,
          `docker stop ${facts.webContainer}`,
          `docker exec ${backup} sh -c '${scriptsDir}/restore.sh ${backupDir}/APP_DUMP "$DATABASE_URL"'`,
          `docker exec ${backup} sh -c '${scriptsDir}/restore.sh ${backupDir}/AUDIT_DUMP "$AUDIT_DATABASE_URL"'`,
          `docker start ${facts.webContainer}`,
        ];
  if (restoreSteps !== undefined) {
    sections.push(
      "## Restore",
      "Each restore runs in one transaction: the whole dump is restored or nothing changes. Stop the web " +
        "service first so no request writes in between.",
      fence(restoreSteps),
      "## Restore drill",
      "Dumps both databases now, restores them into scratch databases on the same servers, compares every " +
        "table's row count and drops the scratch databases; a non-zero exit means the backups cannot be trusted.",
      fence([`docker exec ${backup} ${scriptsDir}/restore-drill.sh`]),
    );
    commands.restore = oneLine(restoreSteps);
  } else {
    sections.push("## Restore", `Not available: \`${key("backup.enabled")}\` is off on this stack.`);
  }

  // A local build has no registry to pull from: tag the previous image ID so the provider finds it locally.
  const rollbackTag = `${facts.agency}-app:rollback`;
  const redeploy: Step[] = facts.builtFromContext
    ? [
        `docker tag "$(${previousDigest(stack)})" ${rollbackTag}`,
        ...settingSteps(facts, [
          { path: ["image", "context"] },
          { path: ["image", "ref"], config: rollbackTag, code: JSON.stringify(rollbackTag) },
        ]),
        `pulumi up -s ${stack}`,
      ]
    : [
        ...settingSteps(facts, [
          {
            path: ["image", "ref"],
            config: `"$(${previousDigest(stack)})"`,
            code: `the digest that \`${previousDigest(stack)}\` prints`,
          },
        ]),
        `pulumi up -s ${stack}`,
      ];
  const restoreBeforeRedeploy = restoreSteps?.filter((step) => !step.startsWith("docker start "));
  const rollback: Step[] = [
    `${previousDigest(stack)}   # the image released before the current one`,
    ...(restoreBeforeRedeploy === undefined
      ? []
      : [
          "# restore the pre-release dumps of the failed release (APP_DUMP/AUDIT_DUMP = *-pre-release-*):",
          ...restoreBeforeRedeploy,
        ]),
    ...redeploy,
  ];
  sections.push(
    "## Rollback",
    "A failed release step leaves the web service on the previous image; a release that succeeded but " +
      "misbehaves needs the previous image back. Every deployment keeps the image released before the current " +
      "one as the stack output `previousImageDigest`. Restore the pre-release backup the bad release took " +
      "(its migrations may have changed the schema), then re-deploy the previous image" +
      (facts.builtFromContext
        ? " (built locally: its image ID is tagged, so the provider finds it without a registry; if it was " +
          "pruned, check out the previous release's source and `pulumi up` instead). "
        : ". ") +
      "Undo the `image` change to release forward again. Like every release, the rollback starts the " +
      "previous image in a web container of its own beside the current one; the proxy switches to it once it " +
      "is healthy, so rolling back has no downtime, and a rollback image that fails its health check leaves " +
      "the current one serving.",
    fence(rollback),
  );
  commands.rollback = oneLine(rollback);

  sections.push(
    "## Key rotation",
    `Each secret has a generation number ${generationsHeld(facts)}; increase it by one and run \`pulumi up\`:`,
    fence(keySteps),
    ...ROTATION_EFFECTS,
    "",
    "Database passwords: the database containers keep running (they are protected, and PostgreSQL reads its " +
      "env only when it creates a database). Before the backups and the release, a one-shot job logs in with " +
      "the previous password and sets the new one (`ALTER ROLE`); if it fails, nothing after it changes. New " +
      "connections of the old web container fail from then until the new one is healthy, so rotate in a " +
      "quiet hour:",
    fence([
      ...rotationSteps(facts, ["databasePasswords"]),
      `pulumi up -s ${stack}`,
      `docker logs ${facts.passwordRotationContainer}`,
    ]),
  );
  commands.keyRotation = oneLine(keySteps);

  return { markdown: sections.join("\n\n") + "\n", commands };
}

export function azureRunbook(facts: AzureRunbookFacts): Runbook {
  const { stack, resourceGroup, postgresServer } = facts;
  const keySteps = [
    ...rotationSteps(facts, ["secretKey", "fieldEncryptionKey", "databasePasswords"]),
    `pulumi up -s ${stack}`,
  ];
  const restored = `${postgresServer}-restored`.slice(0, 63);
  const listBackups = `az postgres flexible-server backup list --resource-group ${resourceGroup} --name ${postgresServer} --output table`;
  const onDemand = `az postgres flexible-server backup create --resource-group ${resourceGroup} --name ${postgresServer} --backup-name BACKUP_NAME`;
  const release = `az containerapp job execution list --resource-group ${resourceGroup} --name ${facts.releaseJob} --output table`;
  const restoreSteps = [facts.restoreCommand];
  const sections: string[] = [
    `# Runbook: ${facts.agency} (stack \`${stack}\`, Azure, ${facts.mode})`,
    `PostgreSQL Flexible Server \`${postgresServer}\` in resource group \`${resourceGroup}\` keeps automatic ` +
      `backups with point-in-time restore for ${facts.retentionDays} days` +
      (facts.geoRedundantBackup ? ", geo-redundant." : " (locally redundant)."),
    "## Backup now",
    "Automatic backups need no command. For a named on-demand backup (kept with the server's backups):",
    fence([onDemand, listBackups]),
    "## Backup before migration",
    "Point-in-time restore covers every moment of the retention window, so the moment before a release is " +
      "always restorable: note the time the release job started and restore to just before it.",
    fence([release]),
    "## Restore",
    `Point-in-time restore creates a new server (\`${restored}\`) next to the old one; pick RESTORE_TIME ` +
      "(ISO 8601, UTC) before the bad change, then switch the connection strings of the web app " +
      `\`${facts.webApp}\` and the release job \`${facts.releaseJob}\` to the restored server ` +
      "(or copy both databases back with pg_dump/pg_restore) and run `pulumi up` so the release re-runs.",
    fence(restoreSteps),
    ...(facts.geoRedundantBackup
      ? [
          "If the region is down:",
          fence([
            `az postgres flexible-server geo-restore --resource-group ${resourceGroup} --name ${restored} --source-server ${postgresServer} --location PAIRED_REGION`,
          ]),
        ]
      : []),
  ];
  const rollback: Step[] = [
    `pulumi stack output previousImageDigest -s ${stack}`,
    facts.restoreCommand.replace("RESTORE_TIME", "RELEASE_START_TIME"),
    ...settingSteps(facts, [
      { path: ["image", "ref"], config: "PREVIOUS_DIGEST", code: '"PREVIOUS_DIGEST"' },
    ]),
    `pulumi up -s ${stack}`,
  ];
  sections.push(
    "## Rollback",
    "`previousImageDigest` is the image released before the current one. Restore the databases to the moment " +
      "before the failed release started (see its execution above), switch to the restored server, then " +
      "re-deploy the previous image:",
    fence(rollback),
    "## Key rotation",
    `Each secret has a generation number ${generationsHeld(facts)}; increase it by one and run \`pulumi up\`. ` +
      "Key Vault holds the new values and the apps get a new revision:",
    fence(keySteps),
    ...ROTATION_EFFECTS,
  );
  if (facts.protectData) {
    sections.push(
      "",
      "The PostgreSQL server and its databases are protected: `pulumi destroy` and any change that would replace " +
        "them fail until the protection is lifted explicitly (`pulumi state unprotect`).",
    );
  }
  return {
    markdown: sections.join("\n\n") + "\n",
    commands: {
      backupBeforeMigration: `point-in-time restore (${facts.retentionDays} days) covers the moment before every release; see the release start with: ${release}`,
      restore: restoreSteps.join(" && "),
      rollback: oneLine(rollback),
      keyRotation: oneLine(keySteps),
    },
  };
}
