/**
 * The fixture apps' own deployments judged end to end, the way the reviewer prompt judges
 * KoNote's files: discovery from the repository root, the compose or platform files as the
 * Docker target's resources, the real pack over Analyze/AnalyzeStack, the report. Each item a
 * reviewer would flag is asserted with the file:line it points at; the rest must pass or be n/a.
 */
import * as path from "path";
import { checkOwnDeployment } from "../../../../policies/command/app-deployment/check";
import { buildReport, type ReliabilityReport } from "../../../../policies/command/report";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";
import { waitLoopDeployment } from "../../../support/wait-loop-deployment";

const PACK = path.join(REPO_ROOT, "policies");
const DEPLOYMENTS = path.join(FIXTURES_DIR, "deployments");

/** A fixture of test/fixtures/deployments, or an assembled one's directory. */
async function judge(fixture: string): Promise<ReliabilityReport> {
  const root = path.isAbsolute(fixture) ? fixture : path.join(DEPLOYMENTS, fixture);
  const check = await checkOwnDeployment({ root, policyPacks: [PACK], mode: "production" });
  return buildReport(check.events, { sourceRoot: root, date: "2026-12-01", judged: check.judged });
}

/** An item's status and the file:line of each of its findings ("?" marks a could-not-verify). */
function item(report: ReliabilityReport, id: string): { status: string; at: string[] } {
  const found = report.items.find((i) => i.id === id);
  if (found === undefined) throw new Error(`no item ${id}`);
  return {
    status: found.status,
    at: found.findings.map(
      (f) =>
        `${f.kind === "unverifiable" ? "?" : ""}${f.location.file ?? f.location.resourceName ?? "stack"}${f.location.line !== undefined ? `:${f.location.line}` : ""}`,
    ),
  };
}

function statuses(report: ReliabilityReport, ids: string[]): Record<string, string> {
  return Object.fromEntries(ids.map((id) => [id, item(report, id).status]));
}

describe("compose-merge: docker-compose.yml + docker-compose.prod.yml with interpolated defaults", () => {
  let report: ReliabilityReport;
  beforeAll(async () => {
    report = await judge("compose-merge");
  });

  it("says what it judged", () => {
    expect(report.judged?.[0]).toBe(
      "Judged: Dockerfile (stage production); docker-compose.yml + docker-compose.prod.yml; settings shop.settings.production",
    );
    expect(report.judged).toContain(
      "Settings module shop.settings.production from docker-compose.yml:3 (environment).",
    );
  });

  it("fails DATABASE_URL's written default at its line, and the published, non-internal database", () => {
    expect(item(report, "DB-1")).toEqual({ status: "fail", at: ["docker-compose.yml:4"] });
    expect(item(report, "DB-6")).toEqual({
      status: "fail",
      at: ["docker-compose.yml:30", "docker-compose.yml:8"],
    });
    expect(item(report, "HC-5")).toEqual({
      status: "warning",
      at: ["docker-compose.yml:30", "docker-compose.yml:17"],
    });
  });

  it("reads the start script (ENTRYPOINT, then the merged command) for the release items", () => {
    // No security check before the server; migrate runs first under set -e.
    expect(item(report, "SR-5")).toEqual({ status: "fail", at: ["entrypoint.sh:3"] });
    expect(statuses(report, ["SR-1", "SR-2", "SR-7", "SR-8", "SR-9"])).toEqual({
      "SR-1": "pass",
      "SR-2": "pass",
      "SR-7": "pass",
      "SR-8": "pass",
      "SR-9": "pass",
    });
    // The prod file's command wins over the base and the (unmerged) development override.
    expect(item(report, "HC-1")).toEqual({ status: "warning", at: ["docker-compose.prod.yml:4"] });
    expect(item(report, "HC-6").at).toEqual(["docker-compose.prod.yml:4", "docker-compose.prod.yml:4"]);
  });

  it("judges the settings compose names, not manage.py's development default", () => {
    expect(statuses(report, ["CH-1", "CH-3", "CH-4", "CH-5", "CH-8", "SF-1", "SF-3"])).toEqual({
      "CH-1": "pass",
      "CH-3": "pass",
      "CH-4": "pass",
      "CH-5": "pass",
      "CH-8": "pass",
      "SF-1": "pass",
      "SF-3": "pass",
    });
  });

  it("merges the healthchecks and restart policies from the production file", () => {
    expect(statuses(report, ["HC-2", "RC-1", "RC-6", "HC-9"])).toEqual({
      "HC-2": "pass",
      "RC-1": "pass",
      "RC-6": "pass",
      "HC-9": "pass",
    });
    expect(item(report, "RC-5")).toEqual({ status: "fail", at: ["docker-compose.yml:21"] });
  });

  it("treats the absent audit database as not applicable", () => {
    expect(statuses(report, ["DB-2", "SR-3", "RC-2", "DB-7"])).toEqual({
      "DB-2": "n/a",
      "SR-3": "n/a",
      "RC-2": "n/a",
      "DB-7": "n/a",
    });
  });
});

describe("monorepo: backend/Dockerfile, manage.py under src/, settings computed in manage.py", () => {
  let report: ReliabilityReport;
  beforeAll(async () => {
    report = await judge("monorepo");
  });

  it("says what it judged, with the candidates the function can return", () => {
    expect(report.judged?.[0]).toBe(
      "Judged: backend/Dockerfile; docker-compose.yml; settings config.settings.production",
    );
    expect(report.judged).toContain(
      "Settings module config.settings.production from backend/src/manage.py:14 (computed by a function); it can also be config.settings.development.",
    );
  });

  it("reads the settings the function returns for production (no 'does not exist', no 'could not verify')", () => {
    expect(statuses(report, ["CH-1", "CH-3", "CH-4", "CH-5", "CH-8"])).toEqual({
      "CH-1": "pass",
      "CH-3": "pass",
      "CH-4": "pass",
      "CH-5": "pass",
      "CH-8": "pass",
    });
    expect(item(report, "CH-7").at[0]).toBe("backend/src/config/settings/production.py");
    // DB-4 judges the production module the function returns: it defines no audit database.
    expect(item(report, "DB-4").status).toBe("n/a");
  });

  it('follows ENTRYPOINT on PATH and its exec "$@" into the CMD', () => {
    // Two replicas both migrate at start.
    expect(item(report, "SR-8")).toEqual({ status: "fail", at: ["backend/docker-entrypoint.sh:3"] });
    expect(statuses(report, ["SR-1", "SR-2", "HC-1", "HC-3", "HC-6"])).toMatchObject({
      "SR-1": "pass",
      "SR-2": "pass",
      "HC-1": "pass",
      "HC-6": "pass",
    });
  });

  it("credits the compose hardening and limits of the backend, and flags the database's", () => {
    expect(item(report, "CS-7")).toEqual({ status: "warning", at: ["docker-compose.yml:41"] });
    expect(item(report, "HC-8").at).toEqual(["docker-compose.yml:41", "docker-compose.yml:41"]);
    expect(statuses(report, ["DB-1", "DB-6", "RC-7", "HC-5"])).toEqual({
      "DB-1": "pass",
      "DB-6": "pass",
      "RC-7": "pass",
      "HC-5": "pass",
    });
  });
});

describe("flask-app: not a Django app", () => {
  let report: ReliabilityReport;
  beforeAll(async () => {
    report = await judge("flask-app");
  });

  it("says so in one line and makes the Django items n/a", () => {
    expect(report.judged).toContain(
      "Django items are n/a: not a Django app (a Flask app): no manage.py and Django is not in its requirements.",
    );
    const django = [
      "SR-1",
      "SR-2",
      "SR-3",
      "SR-5",
      "SR-6",
      "SR-9",
      "DB-2",
      "DB-3",
      "DB-4",
      "CH-1",
      "CH-3",
      "CH-4",
      "CH-5",
      "CH-8",
      "SF-1",
      "SF-2",
      "SF-3",
      "RC-2",
      "HC-9",
    ];
    expect(Object.values(statuses(report, django)).every((s) => s === "n/a")).toBe(true);
  });

  it("still judges the container and the compose file", () => {
    expect(item(report, "HC-2")).toEqual({ status: "fail", at: ["Dockerfile:1"] });
    expect(item(report, "DB-6")).toEqual({ status: "fail", at: ["compose.yaml:2"] });
    expect(item(report, "HC-5")).toEqual({ status: "warning", at: ["compose.yaml:9"] });
    expect(statuses(report, ["CS-1", "CS-5", "DB-1", "RC-1"])).toEqual({
      "CS-1": "pass",
      "CS-5": "pass",
      "DB-1": "pass",
      "RC-1": "pass",
    });
    expect(report.items.flatMap((i) => i.findings).filter((f) => f.kind === "unverifiable")).toEqual([]);
  });
});

describe("railway-migrate-true: a Railway deployment whose entrypoint swallows migrate", () => {
  let report: ReliabilityReport;
  beforeAll(async () => {
    report = await judge("railway-migrate-true");
  });

  it("judges the platform's deployment of the Dockerfile", () => {
    expect(report.judged?.[0]).toBe("Judged: Dockerfile; railway.json; settings hub.settings.production");
  });

  it("fails `migrate || true`, the security check that does not block, and warns of the silent seed", () => {
    expect(item(report, "SR-2")).toEqual({ status: "fail", at: ["entrypoint.sh:3"] });
    expect(item(report, "SR-5")).toEqual({ status: "fail", at: ["entrypoint.sh:5"] });
    expect(item(report, "SR-4")).toEqual({ status: "warning", at: ["entrypoint.sh:4"] });
    expect(statuses(report, ["SR-1", "SR-8", "SR-9", "SF-1", "HC-1", "HC-2", "HC-6", "HC-9"])).toEqual({
      "SR-1": "pass",
      "SR-8": "pass",
      "SR-9": "pass",
      "SF-1": "pass",
      "HC-1": "pass",
      "HC-2": "pass",
      "HC-6": "pass",
      "HC-9": "pass",
    });
  });

  it("names the deployment files railway.json does not watch", () => {
    expect(item(report, "HC-4")).toEqual({ status: "warning", at: ["railway.json:6"] });
  });

  it("cannot know the platform's database, and says so", () => {
    expect(item(report, "RC-1").at).toEqual(["?railway-migrate-true-platform"]);
    expect(statuses(report, ["DB-6", "RC-5", "RC-6"])).toEqual({
      "DB-6": "n/a",
      "RC-5": "n/a",
      "RC-6": "n/a",
    });
  });
});

describe("wait-loop: start scripts that wait for the database a bounded time, then carry on", () => {
  let report: ReliabilityReport;
  beforeAll(async () => {
    report = await judge(waitLoopDeployment());
  });

  it("fails the loops that give up and let migrate or the server start, at the loop", () => {
    const sr1 = report.items.find((i) => i.id === "SR-1");
    expect(item(report, "SR-1")).toEqual({
      status: "fail",
      // web: entrypoint.sh's `for i in $(seq 30)` then migrate; admin: its compose entrypoint's
      // `for i in $(seq 20)` then gunicorn; admin also serves without waiting for web's migrations.
      at: ["entrypoint.sh:4", "compose.yaml:14", "compose.yaml:14"],
    });
    expect(sr1?.findings[0].message).toMatch(
      /^web waits for the database with a loop \(entrypoint\.sh:4\) that gives up after its last try and carries on, so migrate runs against a database that is not up/,
    );
    expect(sr1?.findings[1].message).toMatch(
      /^admin waits for the database with a loop in its start command .* so the server starts/,
    );
  });

  it("keeps the rest of the start-up judged as before", () => {
    expect(statuses(report, ["SR-2", "CH-1"])).toEqual({ "SR-2": "pass", "CH-1": "pass" });
  });
});
