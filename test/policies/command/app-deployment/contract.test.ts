/**
 * The components' contract checked against the app they wrap (`check --context DIR
 * --with-components`, and a real `pulumi preview` of a stack built with the components): the
 * default release steps call `lockdown_audit_db`, `seed` and `startup_check`, and the probes
 * request `/readyz/`. An app without them must fail in production, with both ways out in the fix.
 */
import * as fs from "fs";
import * as path from "path";
import { checkStack } from "../../../../policies/command/offline/check";
import { buildReport, type ReliabilityReport } from "../../../../policies/command/report";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";
import { scratchDirectory } from "../../../support/scratch-directory";

const PACK = path.join(REPO_ROOT, "policies");
const SAMPLE_APP = path.join(REPO_ROOT, "stacks", "sample-app");

async function withComponents(context: string, config: string[] = []): Promise<ReliabilityReport> {
  const check = await checkStack({
    programDir: path.join(REPO_ROOT, "stacks"),
    stack: "local",
    policyPacks: [PACK],
    context,
    config,
    mode: "production",
  });
  return buildReport(check.events, { sourceRoot: context, date: "2026-12-01" });
}

function findings(report: ReliabilityReport, id: string) {
  return report.items.find((i) => i.id === id)?.findings ?? [];
}

describe("an app missing the commands and paths the components assume", () => {
  let report: ReliabilityReport;
  beforeAll(async () => {
    report = await withComponents(path.join(FIXTURES_DIR, "deployments", "missing-contract"));
  });

  it("fails every release step whose command the app does not define, naming both ways out", () => {
    const missing = findings(report, "SR-9");
    expect(missing.map((f) => /manage\.py (\w+)/.exec(f.message)?.[1]).sort()).toEqual([
      "lockdown_audit_db",
      "seed",
      "startup_check",
    ]);
    for (const f of missing) {
      expect(f.enforcement).toBe("mandatory");
      expect(f.message).toMatch(/Add the command to the app, or set agency-deploy:release\.steps/);
      expect(f.location).toMatchObject({ resourceName: "local-release-job", property: "command" });
    }
  });

  it("fails the readiness probe of a path the URL configuration does not route", () => {
    const [probe, ...rest] = findings(report, "HC-9");
    expect(rest).toEqual([]);
    expect(probe).toMatchObject({ enforcement: "mandatory", location: { property: "healthcheck.tests" } });
    expect(probe.message).toMatch(
      /requests \/readyz\/, which the URL configuration \(tracker\.urls\) does not route/,
    );
    expect(probe.message).toMatch(/agency-deploy:django\.readinessPath/);
    expect(report.verdict).not.toBe("Yes");
    expect(report.exitCode).toBe(1);
  });
});

describe("a WSGI module the app does not have", () => {
  it("fails CH-9 where the server is started, naming the setting", async () => {
    const report = await withComponents(path.join(FIXTURES_DIR, "deployments", "missing-contract"), [
      "django.wsgiModule=tracker.server:application",
    ]);
    const [finding, ...rest] = findings(report, "CH-9");
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      enforcement: "mandatory",
      // The web container of this release: `<agency>-web-server-<release key>` (components/docker/web.ts).
      location: { resourceName: expect.stringMatching(/^local-web-server-[0-9a-f]+$/), property: "command" },
    });
    expect(finding.message).toMatch(
      /tracker\.server:application, but the module tracker\.server is not in the build context/,
    );
    expect(finding.message).toMatch(/agency-deploy:django\.wsgiModule/);
  });
});

describe("the sample app", () => {
  const scratch = scratchDirectory("agency-deploy-contract", "all");

  it("keeps its contract: every release command and probe path exists", async () => {
    const report = await withComponents(SAMPLE_APP);
    expect(findings(report, "SR-9")).toEqual([]);
    expect(findings(report, "HC-9")).toEqual([]);
    expect(findings(report, "CH-9")).toEqual([]);
    // Its verdict as a whole (Yes) is the golden report's to assert (test/fixtures/golden).
    expect(report.items.filter((i) => ["SR-9", "HC-9", "CH-9"].includes(i.id)).map((i) => i.status)).toEqual([
      "pass",
      "pass",
      "pass",
    ]);
  });

  it("no longer gives Yes when a release command is deleted", async () => {
    const app = path.join(scratch.dir, "sample-app");
    fs.cpSync(SAMPLE_APP, app, { recursive: true });
    fs.rmSync(path.join(app, "apps", "audit", "management", "commands", "lockdown_audit_db.py"));
    const report = await withComponents(app);
    expect(findings(report, "SR-9").map((f) => f.message)).toEqual([
      expect.stringContaining("runs `manage.py lockdown_audit_db`, but the app defines no such command"),
    ]);
    expect(report.verdict).not.toBe("Yes");
    expect(report.exitCode).toBe(1);
  });
});
