import * as path from "path";
import { main } from "../../../../policies/command/cli/main";
import { REPO_ROOT } from "../../../support/paths";
import { capturedTerminal } from "./captured-terminal";

const STACKS = path.join(REPO_ROOT, "stacks");

/** `agency-deploy runbook --stack NAME` on the bundled program, offline. */
async function runbook(
  stack: string,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  const t = capturedTerminal();
  const code = await main(["runbook", "--program", STACKS, "--stack", stack, ...argv], t);
  return { code, out: t.out, err: t.err };
}

describe("agency-deploy runbook on the bundled stacks", () => {
  it("prints the local stack's Docker runbook with its container names, offline", async () => {
    const { code, out, err } = await runbook("local");
    expect([code, err]).toEqual([0, ""]);
    expect(out).toContain("# Runbook: local (stack `local`, Docker, production)");
    expect(out).toContain("docker exec -e BACKUP_LABEL=manual local-backup /run/agency-deploy/backup.sh");
    // The web container's name as Docker's provider generates it: the logical name, a dash, 7 hex.
    expect(out).toContain("docker stop $(docker ps -aq --filter label=agency-deploy.web=local-web)");
    expect(out).not.toContain("<suffix>");
    expect(out).toContain("docker exec local-backup /run/agency-deploy/restore-drill.sh");
    expect(out).toContain("pulumi stack output previousImageDigest -s local");
    expect(out).toContain("docker logs local-password-rotation");
    expect(out).not.toMatch(/postgres:\/\/[^$]/); // no connection string, only "$DATABASE_URL"
  }, 120_000);

  it("prints the example-azure stack's Azure runbook, offline", async () => {
    const { code, out, err } = await runbook("example-azure");
    expect([code, err]).toEqual([0, ""]);
    expect(out).toContain("# Runbook: lakeside-shelter (stack `example-azure`, Azure, production)");
    expect(out).toContain("az postgres flexible-server restore");
    expect(out).toContain("pulumi stack output previousImageDigest -s example-azure");
    // azure-native's auto-name suffix and the random suffix of the server's name are placeholders.
    expect(out).toContain(
      "--resource-group lakeside-shelter-rg<generated> --name lakeside-shelter-pg-<generated>",
    );
  }, 120_000);

  it("sets each rotation generation to the stack's current value + 1", async () => {
    const { code, out } = await runbook(
      "local",
      "--config",
      "rotation.secretKey=4",
      "-c",
      "rotation.databasePasswords=2",
    );
    expect(code).toBe(0);
    expect(out).toContain("pulumi config set --path 'agency-deploy:rotation.secretKey' 5 -s local");
    expect(out).toContain("pulumi config set --path 'agency-deploy:rotation.fieldEncryptionKey' 1 -s local");
    expect(out).toContain("pulumi config set --path 'agency-deploy:rotation.databasePasswords' 3 -s local");
  }, 120_000);
});
