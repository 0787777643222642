import { buildReport, renderJson, type JsonReport } from "../../../../policies/command/report";
import { analyzeSummary, IMAGE, ndjson, policyEvent, summaryEvent, TEST_CATALOGUE } from "./engine-events";

test("the JSON has issue 4's shape: verdict, mode, stack, policyPacks, categories and items with findings", () => {
  const events = ndjson([
    policyEvent({ policy: "non-root-user", urn: IMAGE, message: "USER root\nLocation: /ctx/Dockerfile:9" }),
    analyzeSummary(IMAGE, ["no-secrets-in-image"]),
    summaryEvent("failed"),
  ]);
  const json = JSON.parse(
    renderJson(buildReport(events, { catalogue: TEST_CATALOGUE, date: "2026-01-02", mode: "demo" })),
  ) as JsonReport;
  expect(json).toMatchObject({
    verdict: "With Fixes",
    exitCode: 1,
    mode: "demo",
    stack: "local",
    project: "agency-deploy",
    policyPacks: [{ name: "deployment-reliability", version: "0.1.0" }],
  });
  expect(json.categories[0]).toEqual({
    name: "Container Security",
    slug: "container-security",
    pass: 1,
    fail: 1,
    warning: 0,
    exempted: 0,
  });
  expect(json.items.find((i) => i.id === "CS-1")).toEqual({
    id: "CS-1",
    policy: "non-root-user",
    policyPack: "deployment-reliability",
    category: "container-security",
    categoryTitle: "Container Security",
    severity: "high",
    status: "fail",
    title: "Container runs as root",
    findings: [
      {
        message: "USER root",
        kind: "violation",
        enforcement: "mandatory",
        location: {
          file: "Dockerfile",
          line: 9,
          urn: IMAGE,
          resourceType: "docker:index/image:Image",
          resourceName: "acme-image",
        },
        locations: [
          {
            file: "Dockerfile",
            line: 9,
            urn: IMAGE,
            resourceType: "docker:index/image:Image",
            resourceName: "acme-image",
          },
        ],
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
    ],
    exempted: [],
  });
  expect(json.items.find((i) => i.id === "CS-3")?.status).toBe("n/a");
});
