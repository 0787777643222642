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
import { waitLoopDeployment, waitLoopWithoutAllowedHosts } from "../../../support/wait-loop-deployment";

const PACK = path.join(REPO_ROOT, "policies");
const DEPLOYMENTS = path.join(FIXTURES_DIR, "deployments");

const judged = new Map<string, Promise<ReliabilityReport>>();

/** A fixture of test/fixtures/deployments, or an assembled one's directory, judged once per file. */
function judge(fixture: string): Promise<ReliabilityReport> {
  const root = path.isAbsolute(fixture) ? fixture : path.join(DEPLOYMENTS, fixture);
  let report = judged.get(root);
  if (report === undefined) {
    report = checkOwnDeployment({ root, policyPacks: [PACK], mode: "production" }).then((check) =>
      buildReport(check.events, { sourceRoot: root, date: "2026-12-01", judged: check.judged }),
    );
    judged.set(root, report);
  }
  return report;
}

/** The fixture's report, judged once before the tests of the block that asks for it. */
function judgedOnce(fixture: string): () => ReliabilityReport {
  let report: ReliabilityReport | undefined;
  beforeAll(async () => {
    report = await judge(fixture);
  });
  return () => {
    if (report === undefined) throw new Error(`${fixture} was not judged`);
    return report;
  };
}

/** Each of `ids` has `status`. */
function expectStatus(report: ReliabilityReport, status: string, ids: string[]): void {
  expect(statuses(report, ids)).toEqual(Object.fromEntries(ids.map((id) => [id, status])));
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

describe("the report says what it judged, and where the settings module came from", () => {
  it.each([
    [
      "compose-merge",
      "Judged: Dockerfile (stage production); docker-compose.yml + docker-compose.prod.yml; settings shop.settings.production",
      ["Settings module shop.settings.production from docker-compose.yml:3 (environment)."],
    ],
    [
      // With the candidates the function can return.
      "monorepo",
      "Judged: backend/Dockerfile; docker-compose.yml; settings config.settings.production",
      [
        "Settings module config.settings.production from backend/src/manage.py:14 (computed by a function); it can also be config.settings.development.",
      ],
    ],
    // The platform's deployment of the Dockerfile.
    ["railway-migrate-true", "Judged: Dockerfile; railway.json; settings hub.settings.production", []],
  ])("%s", async (fixture, first, more) => {
    const report = await judge(fixture);
    expect(report.judged?.[0]).toBe(first);
    expect(report.judged).toEqual(expect.arrayContaining(more));
  });
});

describe("compose-merge: docker-compose.yml + docker-compose.prod.yml with interpolated defaults", () => {
  const report = judgedOnce("compose-merge");

  it("fails DATABASE_URL's written default at its line, and the published, non-internal database", () => {
    expect(item(report(), "DB-1")).toEqual({ status: "fail", at: ["docker-compose.yml:4"] });
    expect(item(report(), "DB-6")).toEqual({
      status: "fail",
      at: ["docker-compose.yml:30", "docker-compose.yml:8"],
    });
    expect(item(report(), "HC-5")).toEqual({
      status: "warning",
      at: ["docker-compose.yml:30", "docker-compose.yml:17"],
    });
  });

  it("reads the start script (ENTRYPOINT, then the merged command) for the release items", () => {
    // No security check before the server; migrate runs first under set -e.
    expect(item(report(), "SR-5")).toEqual({ status: "fail", at: ["entrypoint.sh:3"] });
    expectStatus(report(), "pass", ["SR-1", "SR-2", "SR-7", "SR-8", "SR-9"]);
    // The prod file's command wins over the base and the (unmerged) development override.
    expect(item(report(), "HC-1")).toEqual({ status: "warning", at: ["docker-compose.prod.yml:4"] });
    expect(item(report(), "HC-6").at).toEqual(["docker-compose.prod.yml:4", "docker-compose.prod.yml:4"]);
  });

  it("judges the settings compose names, not manage.py's development default", () => {
    expectStatus(report(), "pass", ["CH-1", "CH-3", "CH-4", "CH-5", "CH-8", "SF-1", "SF-3"]);
  });

  it("merges the healthchecks and restart policies from the production file", () => {
    expectStatus(report(), "pass", ["HC-2", "RC-1", "RC-6", "HC-9"]);
    expect(item(report(), "RC-5")).toEqual({ status: "fail", at: ["docker-compose.yml:21"] });
  });

  it("treats the absent audit database as not applicable", () => {
    expectStatus(report(), "n/a", ["DB-2", "SR-3", "RC-2", "DB-7"]);
  });
});

describe("monorepo: backend/Dockerfile, manage.py under src/, settings computed in manage.py", () => {
  const report = judgedOnce("monorepo");

  it("reads the settings the function returns for production (no 'does not exist', no 'could not verify')", () => {
    expectStatus(report(), "pass", ["CH-1", "CH-3", "CH-4", "CH-5", "CH-8"]);
    expect(item(report(), "CH-7").at[0]).toBe("backend/src/config/settings/production.py");
    // DB-4 judges the production module the function returns: it defines no audit database.
    expect(item(report(), "DB-4").status).toBe("n/a");
  });

  it('follows ENTRYPOINT on PATH and its exec "$@" into the CMD', () => {
    // Two replicas both migrate at start.
    expect(item(report(), "SR-8")).toEqual({ status: "fail", at: ["backend/docker-entrypoint.sh:3"] });
    expect(statuses(report(), ["SR-1", "SR-2", "HC-1", "HC-3", "HC-6"])).toMatchObject({
      "SR-1": "pass",
      "SR-2": "pass",
      "HC-1": "pass",
      "HC-6": "pass",
    });
  });

  it("credits the compose hardening and limits of the backend, and flags the database's", () => {
    expect(item(report(), "CS-7")).toEqual({ status: "warning", at: ["docker-compose.yml:41"] });
    expect(item(report(), "HC-8").at).toEqual(["docker-compose.yml:41", "docker-compose.yml:41"]);
    expectStatus(report(), "pass", ["DB-1", "DB-6", "RC-7", "HC-5"]);
  });
});

describe("flask-app: not a Django app", () => {
  const report = judgedOnce("flask-app");

  it("says so in one line and makes the Django items n/a", () => {
    expect(report().judged).toContain(
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
    expect(Object.values(statuses(report(), django)).every((s) => s === "n/a")).toBe(true);
  });

  it("still judges the container and the compose file", () => {
    expect(item(report(), "HC-2")).toEqual({ status: "fail", at: ["Dockerfile:1"] });
    expect(item(report(), "DB-6")).toEqual({ status: "fail", at: ["compose.yaml:2"] });
    expect(item(report(), "HC-5")).toEqual({ status: "warning", at: ["compose.yaml:9"] });
    expectStatus(report(), "pass", ["CS-1", "CS-5", "DB-1", "RC-1"]);
    expect(
      report()
        .items.flatMap((i) => i.findings)
        .filter((f) => f.kind === "unverifiable"),
    ).toEqual([]);
  });
});

describe("railway-migrate-true: a Railway deployment whose entrypoint swallows migrate", () => {
  const report = judgedOnce("railway-migrate-true");

  it("fails `migrate || true`, the security check that does not block, and warns of the silent seed", () => {
    expect(item(report(), "SR-2")).toEqual({ status: "fail", at: ["entrypoint.sh:3"] });
    expect(item(report(), "SR-5")).toEqual({ status: "fail", at: ["entrypoint.sh:5"] });
    expect(item(report(), "SR-4")).toEqual({ status: "warning", at: ["entrypoint.sh:4"] });
    expectStatus(report(), "pass", ["SR-1", "SR-8", "SR-9", "SF-1", "HC-1", "HC-2", "HC-6", "HC-9"]);
  });

  it("names the deployment files railway.json does not watch", () => {
    expect(item(report(), "HC-4")).toEqual({ status: "warning", at: ["railway.json:6"] });
  });

  it("cannot know the platform's database, and says so", () => {
    expect(item(report(), "RC-1").at).toEqual(["?railway-migrate-true-platform"]);
    expectStatus(report(), "n/a", ["DB-6", "RC-5", "RC-6"]);
  });

  it("cannot know the variables set in the platform's dashboard: a required one is could-not-verify, not missing", () => {
    // The settings require SECRET_KEY and RAILWAY_PUBLIC_DOMAIN; no file here sets them.
    expect(item(report(), "CH-3")).toEqual({ status: "warning", at: ["?railway.json:1"] });
    expect(item(report(), "CH-1").at).toContain("?railway.json:1");
    const ch3 = report().items.find((i) => i.id === "CH-3");
    expect(ch3?.findings[0].message).toContain(
      '"web" may get SECRET_KEY from the variables set in the platform\'s dashboard',
    );
  });
});

describe("wait-loop: start scripts that wait for the database a bounded time, then carry on", () => {
  const report = judgedOnce(waitLoopDeployment());

  it("fails the loops that give up and let migrate or the server start, at the loop", () => {
    const sr1 = report().items.find((i) => i.id === "SR-1");
    expect(item(report(), "SR-1")).toEqual({
      status: "fail",
      // web: entrypoint.sh's `for i in $(seq 30)` then migrate; admin: its compose entrypoint's
      // `for i in $(seq 20)` then gunicorn; admin also serves without waiting for web's migrations.
      at: ["entrypoint.sh:4", "compose.yaml:15", "compose.yaml:15"],
    });
    expect(sr1?.findings[0].message).toMatch(
      /^web waits for the database with a loop \(entrypoint\.sh:4\) that gives up after its last try and carries on, so migrate runs against a database that is not up/,
    );
    expect(sr1?.findings[1].message).toMatch(
      /^admin waits for the database with a loop in its start command .* so the server starts/,
    );
  });

  it("keeps the rest of the start-up judged as before", () => {
    expectStatus(report(), "pass", ["SR-2", "CH-1"]);
  });

  const withoutHosts = judgedOnce(waitLoopWithoutAllowedHosts());
  it("fails CH-1 when the settings require a variable no service sets: the app would stop at start", () => {
    const ch1 = withoutHosts().items.find((i) => i.id === "CH-1");
    expect(item(withoutHosts(), "CH-1")).toEqual({
      status: "warning",
      at: ["shop/settings/production.py:7"],
    });
    expect(ch1?.findings[0].message).toContain(
      'The settings require ALLOWED_HOSTS, but "web", "admin" never get it',
    );
  });
});
