/**
 * The offline report of stacks/Pulumi.example-azure.yaml, as `agency-deploy check --stack
 * example-azure` computes it: the stack program under mocks, the shipped policy pack (dist/, built
 * when absent), the report from the engine events.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkStack, type StackCheck } from "../../policies/command/offline/check";
import { buildReport, toJsonReport, type JsonReport } from "../../policies/command/report";
import { AZURE } from "../../policies/pack/rules/types";
import { REPO_ROOT } from "../support/paths";

const PACK_DIR = path.join(REPO_ROOT, "policies");
const PACK_MAIN = path.join(REPO_ROOT, "dist", "policies", "index.js");

let check: StackCheck;
let report: JsonReport;

beforeAll(async () => {
  if (!fs.existsSync(PACK_MAIN)) execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "pipe" });
  check = await checkStack({ programDir: REPO_ROOT, stack: "example-azure", policyPacks: [PACK_DIR] });
  report = toJsonReport(
    buildReport(check.events, { stack: check.stack, project: check.project, mode: check.mode }),
  );
}, 180_000);

function item(id: string) {
  const found = report.items.find((i) => i.id === id);
  if (found === undefined) throw new Error(`no checklist item ${id} in the report`);
  return found;
}

/** Policies the engine reports as passed or failed on each resource of a type (not n/a there). */
function judgedOn(type: string): string[][] {
  const urns = check.resources.filter((r) => r.registration.type === type).map((r) => r.registration.urn);
  expect(urns.length).toBeGreaterThan(0);
  return urns.map((urn) => {
    const summary = check.events.find(
      (e) => e.policyAnalyzeSummaryEvent?.resourceUrn === urn,
    )?.policyAnalyzeSummaryEvent;
    return [...(summary?.passed ?? []), ...(summary?.failed ?? [])];
  });
}

describe("example-azure offline report", () => {
  it("is a preview of the production stack by the deployment-reliability pack", () => {
    expect(report.preview).toBe(true);
    expect(report.mode).toBe("production");
    expect(report.policyPacks.map((p) => p.name)).toEqual(["deployment-reliability"]);
  });

  it("judges every item that applies: nothing is left as could-not-verify", () => {
    const unverifiable = report.items.flatMap((i) => i.findings.filter((f) => f.kind === "unverifiable"));
    expect(unverifiable).toEqual([]);
    expect(report.totals.unverifiable).toBe(0);
  });

  it("has nothing failing or warning", () => {
    expect(report.exitCode).toBe(0);
    const open = report.items.filter((i) => i.status === "fail" || i.status === "warning").map((i) => i.id);
    expect(open).toEqual([]);
    expect([report.totals.mandatory, report.totals.advisory]).toEqual([0, 0]);
  });

  it("says Yes: the release job gives the audit database its own login (DB-7)", () => {
    expect(report.verdict).toBe("Yes");
    // The web app and the release job read an audit URL whose login and password differ from the app's.
    expect(item("DB-7")).toMatchObject({ status: "pass", findings: [] });
    expect(JSON.stringify(report)).not.toMatch(/postgres:\/\/[^@\s]*:[^@\s]+@/);
  });

  it("passes the items the Azure resources decide, none of them not applicable", () => {
    for (const id of [
      "SR-1", // release job before the web app
      "SR-2",
      "SR-3",
      "SR-5",
      "SR-8",
      "DB-1", // secrets through Key Vault references
      "DB-2",
      "DB-3", // connect_timeout in the vault's URLs
      "DB-6", // firewall to Azure services, TLS required
      "DB-7", // the audit role of the release job's init container
      "DB-8",
      "CH-3",
      "CH-5",
      "CH-6",
      "RC-1",
      "RC-2",
      "RC-5", // point-in-time backups
      "RC-6", // protected server and databases
      "RC-7",
      "HC-2", // probes
      "HC-5", // ingress
      "HC-6",
      "HC-8", // cpu and memory
    ]) {
      expect([id, item(id).status]).toEqual([id, "pass"]);
    }
  });

  it("has the web app, the release job and the server judged by their resource policies", () => {
    for (const policies of judgedOn(AZURE.containerApp)) {
      expect(policies).toEqual(expect.arrayContaining(["only-proxy-published", "resource-limits"]));
    }
    for (const policies of judgedOn(AZURE.job)) expect(policies).toContain("resource-limits");
    for (const policies of judgedOn(AZURE.postgresServer)) {
      expect(policies).toContain("supported-postgres-version");
    }
  });
});
