import { buildReport, verdictOf, type ReportItem } from "../../../../policies/command/report";
import { CHECKLIST } from "../../../../policies/pack/checklist";
import {
  analyzeSummary,
  IMAGE,
  ndjson,
  oneOfEachFinding,
  policyEvent,
  stackSummary,
  summaryEvent,
  TEST_CATALOGUE,
  TEST_OPTIONS,
  testReport as report,
  WEB,
} from "./engine-events";

function item(events: object[], policy: string): ReportItem {
  const found = report(events).items.find((i) => i.policy === policy);
  if (!found) throw new Error(`no item ${policy}`);
  return found;
}

describe("item status", () => {
  test("a mandatory violation on any resource fails the item, even if it passed elsewhere", () => {
    const events = [
      analyzeSummary(IMAGE, ["non-root-user"]),
      policyEvent({ policy: "non-root-user", urn: WEB, enforcement: "mandatory" }),
      analyzeSummary(WEB, [], ["non-root-user"]),
    ];
    expect(item(events, "non-root-user").status).toBe("fail");
  });

  test("only advisory violations make the item a warning", () => {
    const events = [policyEvent({ policy: "non-root-user", urn: WEB, enforcement: "advisory" })];
    expect(item(events, "non-root-user").status).toBe("warning");
  });

  test("a 'could not verify' finding is a warning, never a pass", () => {
    const events = [
      analyzeSummary(WEB, ["non-root-user"]),
      policyEvent({
        policy: "non-root-user",
        urn: IMAGE,
        enforcement: "advisory",
        message: "The final stage's last USER is not root.\ncould not verify: the image has no build context",
      }),
    ];
    const nonRoot = item(events, "non-root-user");
    expect(nonRoot.status).toBe("warning");
    expect(nonRoot.findings[0]).toMatchObject({
      kind: "unverifiable",
      enforcement: "advisory",
      message: "could not verify: the image has no build context",
    });
  });

  test("an item that passed on a resource or the stack and never failed passes", () => {
    expect(item([analyzeSummary(WEB, ["non-root-user"])], "non-root-user").status).toBe("pass");
    expect(item([stackSummary(["database-url-secret"])], "database-url-secret").status).toBe("pass");
  });

  test("an item that never applied is n/a and counts in no category column", () => {
    const r = report([analyzeSummary(WEB, ["non-root-user"])]);
    expect(r.items.find((i) => i.id === "CS-2")?.status).toBe("n/a");
    expect(r.categories.find((c) => c.slug === "container-security")).toEqual({
      slug: "container-security",
      name: "Container Security",
      pass: 1,
      fail: 0,
      warning: 0,
      exempted: 0,
    });
  });
});

describe("category counts", () => {
  test("count items, not violations, in the seven categories in catalogue order", () => {
    const r = report([
      policyEvent({ policy: "non-root-user", urn: WEB }),
      policyEvent({ policy: "non-root-user", urn: IMAGE }),
      policyEvent({ policy: "pinned-supported-base-image", urn: IMAGE, enforcement: "advisory" }),
      analyzeSummary(WEB, ["minimal-packages"]),
      stackSummary(["database-url-secret"], ["audit-database-url-secret"]),
      policyEvent({ policy: "audit-database-url-secret", enforcement: "mandatory" }),
    ]);
    expect(r.categories.map((c) => [c.name, c.pass, c.fail, c.warning])).toEqual([
      ["Container Security", 1, 1, 1],
      ["Startup Reliability", 0, 0, 0],
      ["Database Safety", 1, 1, 0],
      ["Configuration Hygiene", 0, 0, 0],
      ["Static Files", 0, 0, 0],
      ["Recovery", 0, 0, 0],
      ["Hosting Compatibility", 0, 0, 0],
    ]);
  });
});

describe("verdict and gate", () => {
  const onImage = (policy: string, enforcement: "mandatory" | "advisory") => [
    policyEvent({ policy, urn: IMAGE, enforcement }),
  ];
  const cases: [string, object[], string, number][] = [
    ["nothing failed or warned", [analyzeSummary(WEB, ["non-root-user"])], "Yes", 0],
    ["a critical item fails", [policyEvent({ policy: "no-secrets-in-image", urn: IMAGE })], "No", 1],
    ["a high item fails", [policyEvent({ policy: "non-root-user", urn: WEB })], "With Fixes", 1],
    [
      "a low item fails (mandatory by pack config)",
      onImage("minimal-packages", "mandatory"),
      "With Fixes",
      1,
    ],
    ["a critical item only warns (demo mode)", onImage("no-secrets-in-image", "advisory"), "With Fixes", 0],
    ["a medium item warns", onImage("pinned-supported-base-image", "advisory"), "With Fixes", 0],
    ["only a low item warns", onImage("minimal-packages", "advisory"), "Yes", 0],
  ];
  test.each(cases)("when %s the verdict is as REPORT.md says", (_name, events, verdict, exitCode) => {
    const r = report(events);
    expect(r.verdict).toBe(verdict);
    expect(r.exitCode).toBe(exitCode);
  });

  test("a warning of another pack's policy with no severity counts as medium", () => {
    const other = [policyEvent({ policy: "tags", urn: WEB, pack: "acme", enforcement: "advisory" })];
    expect(report(other).verdict).toBe("With Fixes");
  });

  test("verdictOf judges only status and severity", () => {
    const base = report([]).items[0] as ReportItem;
    expect(verdictOf([{ ...base, severity: "critical", status: "fail" }])).toBe("No");
    expect(verdictOf([{ ...base, severity: "low", status: "warning" }])).toBe("Yes");
  });
});

describe("policies the catalogue does not know", () => {
  const events = [
    policyEvent({ policy: "always-fails", urn: WEB, pack: "analyzerA", version: "", severity: "high" }),
    analyzeSummary(IMAGE, ["require-tags"], [], "analyzerA"),
  ];

  test("are reported as their own items in an Other category, severity from the event", () => {
    const r = report(events);
    const failing = r.items.find((i) => i.policy === "always-fails");
    expect(failing).toMatchObject({
      id: "analyzerA/always-fails",
      policyPack: "analyzerA",
      catalogued: false,
      category: "other",
      categoryTitle: "Other",
      severity: "high",
      status: "fail",
    });
    expect(r.items.find((i) => i.policy === "require-tags")?.status).toBe("pass");
    expect(r.categories.at(-1)).toEqual({
      slug: "other",
      name: "Other",
      pass: 1,
      fail: 1,
      warning: 0,
      exempted: 0,
    });
    expect(r.exitCode).toBe(1);
  });

  test("come after the catalogue's items", () => {
    const ids = report(events).items.map((i) => i.id);
    expect(ids.slice(0, TEST_CATALOGUE.items.length)).toEqual(TEST_CATALOGUE.items.map((i) => i.id));
    expect(ids.slice(TEST_CATALOGUE.items.length)).toEqual([
      "analyzerA/always-fails",
      "analyzerA/require-tags",
    ]);
  });

  test("with the same name as one of ours stay separate from ours", () => {
    const r = report([policyEvent({ policy: "non-root-user", urn: WEB, pack: "acme" })]);
    expect(r.items.find((i) => i.id === "CS-1")?.status).toBe("n/a");
    expect(r.items.find((i) => i.id === "acme/non-root-user")?.status).toBe("fail");
  });
});

describe("locations", () => {
  test("a `Location: file:line` line becomes the finding's file and line and leaves the issue text", () => {
    const [finding] = item(
      [
        policyEvent({
          policy: "non-root-user",
          urn: IMAGE,
          message:
            "The final stage's last USER is not root.\nUSER root in the final stage\nLocation: /src/app/Dockerfile:12",
        }),
      ],
      "non-root-user",
    ).findings;
    expect(finding?.message).toBe("USER root in the final stage");
    // Outside the source root a machine's absolute path keeps only the file name.
    expect(finding?.location).toMatchObject({ file: "Dockerfile", line: 12, urn: IMAGE });
  });

  test("file locations under sourceRoot are shown relative to it", () => {
    const events = [
      policyEvent({ policy: "non-root-user", urn: IMAGE, message: "x\nLocation: /src/app/Dockerfile:3" }),
    ];
    const r = report(events, { sourceRoot: "/src/app/" });
    expect(r.items[0]?.findings[0]?.location.file).toBe("Dockerfile");
  });

  test("without a Location line the location is the resource from the URN", () => {
    const [finding] = item([policyEvent({ policy: "non-root-user", urn: WEB })], "non-root-user").findings;
    expect(finding?.location).toEqual({
      urn: WEB,
      resourceType: "docker:index/container:Container",
      resourceName: "acme-web",
    });
  });

  test("a `Location: <resource> <property>` line gives the resource and property", () => {
    const [finding] = item(
      [policyEvent({ policy: "non-root-user", urn: WEB, message: `user is root\nLocation: ${WEB} user` })],
      "non-root-user",
    ).findings;
    expect(finding?.location).toMatchObject({ urn: WEB, resourceName: "acme-web", property: "user" });
  });
});

describe("run facts", () => {
  test("stack and project come from the URNs unless given", () => {
    const events = [policyEvent({ policy: "non-root-user", urn: WEB })];
    expect(report(events)).toMatchObject({ stack: "local", project: "agency-deploy" });
    expect(report(events, { stack: "acme", project: "p" })).toMatchObject({ stack: "acme", project: "p" });
  });

  test("the mode comes from the prelude's stack config when not given", () => {
    const prelude = { preludeEvent: { config: { "agency-deploy:mode": "demo" } } };
    expect(report([prelude]).mode).toBe("demo");
    expect(report([prelude], { mode: "production" }).mode).toBe("production");
  });

  test("pack versions come from the events, without the summary's 'v' prefix", () => {
    const r = buildReport(
      ndjson([summaryEvent("succeeded", { "deployment-reliability": "v0.2.0", other: "" })]),
      TEST_OPTIONS,
    );
    expect(r.policyPacks).toEqual([
      { name: "deployment-reliability", version: "0.2.0" },
      { name: "other", version: "" },
    ]);
  });

  test("violation totals count mandatory, advisory and could-not-verify per resource", () => {
    const r = report(oneOfEachFinding(WEB, IMAGE, "no context"));
    expect(r.totals).toMatchObject({ mandatory: 1, advisory: 2, unverifiable: 1 });
    expect(r.totals.byResource).toEqual(
      expect.arrayContaining([
        { urn: WEB, type: "docker:index/container:Container", name: "acme-web", mandatory: 1, advisory: 1 },
        { urn: IMAGE, type: "docker:index/image:Image", name: "acme-image", mandatory: 0, advisory: 1 },
      ]),
    );
  });
});

describe("recommendations", () => {
  test("one per failing or warning item, failures first, most severe first, identical fixes merged", () => {
    const r = report([
      policyEvent({ policy: "minimal-packages", urn: IMAGE, enforcement: "advisory" }),
      policyEvent({ policy: "database-url-secret", urn: WEB }),
      policyEvent({ policy: "audit-database-url-secret", urn: WEB }),
      policyEvent({ policy: "no-secrets-in-image", urn: IMAGE }),
      policyEvent({ policy: "no-secrets-in-image", urn: WEB }),
    ]);
    expect(r.recommendations.map((rec) => [rec.itemIds, rec.status])).toEqual([
      [["CS-2"], "fail"],
      [["DB-1", "DB-2"], "fail"],
      [["CS-4"], "warning"],
    ]);
  });
});

describe("the real checklist", () => {
  test("explains our pack's findings by checklist id", () => {
    const first = CHECKLIST[0];
    if (!first) throw new Error("empty checklist");
    const r = buildReport(ndjson([policyEvent({ policy: first.policy, urn: WEB })]), { date: "2026-01-02" });
    const reported = r.items.find((i) => i.policy === first.policy);
    expect(reported).toMatchObject({
      id: first.id,
      category: first.category,
      severity: first.severity,
      status: "fail",
    });
    expect(r.items).toHaveLength(CHECKLIST.length);
    expect(r.categories.map((c) => c.name)).toEqual([
      "Container Security",
      "Startup Reliability",
      "Database Safety",
      "Configuration Hygiene",
      "Static Files",
      "Recovery",
      "Hosting Compatibility",
    ]);
  });
});
