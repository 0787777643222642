import * as path from "path";
import { main } from "../../../../policies/command/cli/main";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";
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

/** The runbook of a stack that has one: exit 0, nothing on stderr. */
async function printed(stack: string): Promise<string> {
  const { code, out, err } = await runbook(stack);
  expect([code, err]).toEqual([0, ""]);
  return out;
}

function expectEvery(text: string, lines: string[]): void {
  for (const line of lines) expect(text).toContain(line);
}

describe("agency-deploy runbook on the bundled stacks", () => {
  it("prints the local stack's Docker runbook with its container names, offline", async () => {
    const out = await printed("local");
    expectEvery(out, [
      "# Runbook: local (stack `local`, Docker, production)",
      "docker exec -e BACKUP_LABEL=manual local-backup /run/agency-deploy/backup.sh",
      // The web container by the label the instance sets, not by the name Docker's provider picks.
      "docker stop $(docker ps -aq --filter label=agency-deploy.web=local-web)",
      "docker exec local-backup /run/agency-deploy/restore-drill.sh",
      "pulumi stack output previousImageDigest -s local",
      "docker logs local-password-rotation",
    ]);
    expect(out).not.toContain("<suffix>");
    expect(out).not.toMatch(/postgres:\/\/[^$]/); // no connection string, only "$DATABASE_URL"
  }, 120_000);

  it("prints the example-azure stack's Azure runbook, offline", async () => {
    expectEvery(await printed("example-azure"), [
      "# Runbook: lakeside-shelter (stack `example-azure`, Azure, production)",
      "az postgres flexible-server restore",
      "pulumi stack output previousImageDigest -s example-azure",
      // azure-native's auto-name suffix and the random suffix of the server's name are placeholders.
      "--resource-group lakeside-shelter-rg<generated> --name lakeside-shelter-pg-<generated>",
    ]);
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

  it("names the arguments to raise, not config keys, for an instance a program builds in code", async () => {
    // test/fixtures/output-domain declares its DockerAgencyInstance with args written in code.
    const t = capturedTerminal();
    const program = path.join(FIXTURES_DIR, "output-domain");
    const code = await main(["runbook", "--program", program, "--stack", "preview"], t);
    expect([code, t.err]).toEqual([0, ""]);
    const edit = 'in the program that declares DockerAgencyInstance "harbor-legal", set';
    expectEvery(t.out, [
      `# ${edit} args.rotation.secretKey to "1" and set args.rotation.fieldEncryptionKey to "1"`,
      `# ${edit} args.rotation.databasePasswords to "1"`,
      "pulumi up -s preview",
    ]);
    expect(t.out).not.toContain("pulumi config");
  }, 120_000);
});
