import { azureRunbook, AzureRunbookFacts, dockerRunbook, DockerRunbookFacts } from "../../components/runbook";
import { restoreProcedure } from "../../components/azure/sizing";
import { rawSettingsFromConfig, settingsOrigin } from "../../components/config";

// A stack's config, and the same instance built in code by a consumer's program.
const fromConfig = settingsOrigin('DockerAgencyInstance "riverside"', rawSettingsFromConfig({}));
const inCode = settingsOrigin('DockerAgencyInstance "riverside"', {});

const docker: DockerRunbookFacts = {
  agency: "riverside",
  stack: "riverside-food-bank",
  mode: "production",
  rotation: { secretKey: "2", fieldEncryptionKey: "0", databasePasswords: "1" },
  settings: fromConfig,
  backupContainer: "riverside-backup",
  preReleaseBackupContainer: "riverside-pre-release-backup",
  passwordRotationContainer: "riverside-password-rotation",
  webContainer: "riverside-web-server-1f2e3d4",
  backupStorage: "Docker volume riverside-backups-9a8b7c6",
  backupDir: "/var/lib/postgresql/data",
  scriptsDir: "/run/agency-deploy",
  builtFromContext: false,
};

const restore = restoreProcedure("rg-riverside", "riverside-pg-x1y2", 14, true);
const azure: AzureRunbookFacts = {
  agency: "riverside",
  stack: "riverside-azure",
  mode: "production",
  rotation: { secretKey: "0", fieldEncryptionKey: "3", databasePasswords: "0" },
  settings: fromConfig,
  resourceGroup: "rg-riverside",
  postgresServer: "riverside-pg-x1y2",
  webApp: "riverside-web",
  releaseJob: "riverside-release",
  retentionDays: 14,
  geoRedundantBackup: true,
  restoreCommand: restore.command,
  protectData: true,
};

describe("dockerRunbook", () => {
  const { markdown, commands } = dockerRunbook(docker);

  it("backs up now by running backup.sh inside the backup container", () => {
    expect(markdown).toContain(
      "docker exec -e BACKUP_LABEL=manual riverside-backup /run/agency-deploy/backup.sh",
    );
  });

  it("shows the automatic pre-release backup and where to see it", () => {
    expect(markdown).toContain("docker logs riverside-pre-release-backup");
    expect(commands.backupBeforeMigration).toMatch(/^automatic before every release/);
  });

  it("keeps comments out of the one-line commands, where they would swallow the steps after them", () => {
    expect(commands.restore).not.toContain("#");
    expect(commands.rollback).not.toContain("#");
    expect(markdown).toContain("# pick APP_DUMP and AUDIT_DUMP (same timestamp)");
  });

  it("restores both databases with the web service stopped, without printing a connection string", () => {
    const steps = commands.restore!.split(" && ");
    expect(steps).toEqual([
      "docker exec riverside-backup ls -1t /var/lib/postgresql/data",
      "docker stop riverside-web-server-1f2e3d4",
      `docker exec riverside-backup sh -c '/run/agency-deploy/restore.sh /var/lib/postgresql/data/APP_DUMP "$DATABASE_URL"'`,
      `docker exec riverside-backup sh -c '/run/agency-deploy/restore.sh /var/lib/postgresql/data/AUDIT_DUMP "$AUDIT_DATABASE_URL"'`,
      "docker start riverside-web-server-1f2e3d4",
    ]);
  });

  it("drills a restore with restore-drill.sh", () => {
    expect(markdown).toContain("docker exec riverside-backup /run/agency-deploy/restore-drill.sh");
  });

  it("rolls back by restoring the pre-release dumps, then re-deploying the previousImageDigest output", () => {
    const steps = commands.rollback!.split(" && ");
    expect(steps[0]).toMatch(/^pulumi stack output previousImageDigest -s riverside-food-bank/);
    expect(steps).toContain("docker stop riverside-web-server-1f2e3d4");
    expect(steps.filter((step) => step.includes("/run/agency-deploy/restore.sh"))).toHaveLength(2);
    // pulumi up replaces the stopped web container; starting the new release on the old schema would not help.
    expect(steps).not.toContain("docker start riverside-web-server-1f2e3d4");
    expect(steps.slice(-2)).toEqual([
      `pulumi config set --path 'agency-deploy:image.ref' "$(pulumi stack output previousImageDigest -s riverside-food-bank)" -s riverside-food-bank`,
      "pulumi up -s riverside-food-bank",
    ]);
    expect(commands.rollback).not.toContain("pulumi stack history");
  });

  it("rotates each key by bumping its generation by one", () => {
    expect(commands.keyRotation).toBe(
      "pulumi config set --path 'agency-deploy:rotation.secretKey' 3 -s riverside-food-bank && " +
        "pulumi config set --path 'agency-deploy:rotation.fieldEncryptionKey' 1 -s riverside-food-bank && " +
        "pulumi up -s riverside-food-bank",
    );
    expect(markdown).toContain("SECRET_KEY_FALLBACKS");
    expect(markdown).toContain("pulumi config set --path 'agency-deploy:rotation.databasePasswords' 2");
  });

  it("rotates database passwords without touching the protected database containers", () => {
    expect(markdown).not.toContain("pulumi state unprotect");
    expect(markdown).toContain("`ALTER ROLE`");
    expect(markdown).toContain("docker logs riverside-password-rotation");
  });

  it("offers a manual pre-release backup when the automatic one is off", () => {
    const { commands: c } = dockerRunbook({ ...docker, preReleaseBackupContainer: undefined });
    expect(c.backupBeforeMigration).toBe(
      "docker exec -e BACKUP_LABEL=pre-release riverside-backup /run/agency-deploy/backup.sh   # before pulumi up -s riverside-food-bank",
    );
  });

  it("leaves restore and backup-before-migration out (gaps) when backups are off", () => {
    const { markdown: m, commands: c } = dockerRunbook({
      ...docker,
      backupContainer: undefined,
      preReleaseBackupContainer: undefined,
    });
    expect(c.restore).toBeUndefined();
    expect(c.backupBeforeMigration).toBeUndefined();
    expect(c.keyRotation).toBeDefined();
    expect(m).toContain("Not available: `agency-deploy:backup.enabled`");
  });

  it("re-deploys a locally built previous image by tagging its ID, as the provider finds local images first", () => {
    const { commands: c } = dockerRunbook({ ...docker, builtFromContext: true });
    expect(c.rollback!.split(" && ").slice(-4)).toEqual([
      'docker tag "$(pulumi stack output previousImageDigest -s riverside-food-bank)" riverside-app:rollback',
      "pulumi config rm --path 'agency-deploy:image.context' -s riverside-food-bank",
      "pulumi config set --path 'agency-deploy:image.ref' riverside-app:rollback -s riverside-food-bank",
      "pulumi up -s riverside-food-bank",
    ]);
  });
});

describe("dockerRunbook of an instance built in code", () => {
  const { markdown, commands } = dockerRunbook({ ...docker, settings: inCode });
  const edit = 'in the program that declares DockerAgencyInstance "riverside", ';

  it("rotates a key by raising its argument in the program, not by a config command", () => {
    expect(commands.keyRotation).toBe(
      `${edit}set args.rotation.secretKey to "3" and set args.rotation.fieldEncryptionKey to "1" && ` +
        "pulumi up -s riverside-food-bank",
    );
    expect(markdown).toContain(
      'Each secret has a generation number in the args of DockerAgencyInstance "riverside"',
    );
    expect(markdown).toContain(
      `# ${edit}set args.rotation.databasePasswords to "2"\npulumi up -s riverside-food-bank`,
    );
    expect(markdown).not.toContain("pulumi config");
  });

  it("rolls back by setting the image argument to the previous image", () => {
    expect(commands.rollback!.split(" && ").slice(-2)).toEqual([
      `${edit}set args.image.ref to the digest that \`pulumi stack output previousImageDigest -s riverside-food-bank\` prints`,
      "pulumi up -s riverside-food-bank",
    ]);
    const { commands: built } = dockerRunbook({ ...docker, settings: inCode, builtFromContext: true });
    expect(built.rollback!.split(" && ").slice(-3)).toEqual([
      'docker tag "$(pulumi stack output previousImageDigest -s riverside-food-bank)" riverside-app:rollback',
      `${edit}remove args.image.context and set args.image.ref to "riverside-app:rollback"`,
      "pulumi up -s riverside-food-bank",
    ]);
  });

  it("names switched-off settings by their argument paths", () => {
    const { markdown: m } = dockerRunbook({
      ...docker,
      settings: inCode,
      preReleaseBackupContainer: undefined,
    });
    expect(m).toContain("Not automatic on this stack (`args.backup.beforeRelease` is off)");
  });
});

describe("azureRunbook", () => {
  const { markdown, commands } = azureRunbook(azure);

  it("takes an on-demand backup of the instance's server", () => {
    expect(markdown).toContain(
      "az postgres flexible-server backup create --resource-group rg-riverside --name riverside-pg-x1y2 --backup-name BACKUP_NAME",
    );
  });

  it("restores to a point in time into a new server", () => {
    expect(commands.restore).toBe(
      'az postgres flexible-server restore --resource-group rg-riverside --name riverside-pg-x1y2-restored --source-server riverside-pg-x1y2 --restore-time "RESTORE_TIME"',
    );
    expect(markdown).toContain("for 14 days, geo-redundant");
    expect(markdown).toContain("az postgres flexible-server geo-restore --resource-group rg-riverside");
  });

  it("relies on point-in-time restore before migrations and shows the release executions", () => {
    expect(commands.backupBeforeMigration).toContain(
      "az containerapp job execution list --resource-group rg-riverside --name riverside-release",
    );
  });

  it("rolls back to previousImageDigest after restoring to the release's start", () => {
    expect(commands.rollback).toContain("pulumi stack output previousImageDigest -s riverside-azure");
    expect(commands.rollback).toContain('--restore-time "RELEASE_START_TIME"');
  });

  it("rotates all three secrets by one generation", () => {
    expect(commands.keyRotation).toContain("'agency-deploy:rotation.secretKey' 1");
    expect(commands.keyRotation).toContain("'agency-deploy:rotation.fieldEncryptionKey' 4");
    expect(commands.keyRotation).toContain("'agency-deploy:rotation.databasePasswords' 1");
  });

  it("built in code: raises the three generations and sets the image in the program", () => {
    const { markdown: m, commands: c } = azureRunbook({
      ...azure,
      settings: settingsOrigin('AzureAgencyInstance "riverside"', {}),
    });
    const edit = 'in the program that declares AzureAgencyInstance "riverside", set ';
    expect(c.keyRotation).toBe(
      `${edit}args.rotation.secretKey to "1" and set args.rotation.fieldEncryptionKey to "4" and ` +
        'set args.rotation.databasePasswords to "1" && pulumi up -s riverside-azure',
    );
    expect(c.rollback).toContain(
      `${edit}args.image.ref to "PREVIOUS_DIGEST" && pulumi up -s riverside-azure`,
    );
    expect(m).not.toContain("pulumi config");
  });
});
