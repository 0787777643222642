import type { ResourceValidationArgs } from "@pulumi/policy";
import { CHECKLIST } from "../../../policies/pack/checklist";
import {
  decide,
  ExemptionConfigError,
  exemptionsFromStackConfig,
  matches,
  parseExemptions,
  parsePragma,
  PragmaReader,
  type Exemption,
  type ExemptionSubject,
} from "../../../policies/pack/exemptions";
import { buildPolicies, type PackOptions } from "../../../policies/pack/policies";
import { parseExemptionLines } from "../../../policies/protocol";
import { RULES } from "../../../policies/pack/rules";
import type { Rule } from "../../../policies/pack/rules/rule";
import { DOCKER } from "../../../policies/pack/rules/types";
import {
  isResourcePolicy,
  reporter,
  resourceArgs,
  type Policy,
  type Reported,
} from "../../support/policy-harness";

const KEY = "agency-deploy:exemptions";
const HIGH = CHECKLIST.find((i) => i.severity === "high")!;
const CRITICAL = CHECKLIST.find((i) => i.severity === "critical")!;
const TODAY = "2026-12-01";

function subject(overrides: Partial<ExemptionSubject> = {}): ExemptionSubject {
  return { id: HIGH.id, severity: "high", mode: "production", ...overrides };
}

const noFiles = new PragmaReader(() => {
  throw new Error("no such file");
});

describe("exemption config", () => {
  it("reads a valid list and records where each entry was declared", () => {
    const list = parseExemptions(
      [
        { id: "CS-1", resource: "local-web", reason: "legacy uploader" },
        {
          id: "CS-3",
          file: "sample-app/Dockerfile:1",
          reason: "pinned by digest upstream",
          expires: "2027-01-31",
        },
      ],
      KEY,
    );
    expect(list).toEqual([
      { id: "CS-1", resource: "local-web", reason: "legacy uploader", source: `${KEY}[0]`, kind: "external" },
      {
        id: "CS-3",
        file: "sample-app/Dockerfile:1",
        reason: "pinned by digest upstream",
        expires: "2027-01-31",
        source: `${KEY}[1]`,
        kind: "external",
      },
    ]);
  });

  it("names the key and index of every bad entry: unknown id, missing reason, bad date, both or no target", () => {
    const attempt = () =>
      parseExemptions(
        [
          { id: "XX-9", resource: "a", reason: "r" },
          { id: "CS-1", resource: "a" },
          { id: "CS-1", resource: "a", reason: "r", expires: "2027-02-30" },
          { id: "CS-1", resource: "a", file: "Dockerfile", reason: "r" },
          { id: "CS-1", reason: "r" },
          { id: "CS-1", resource: "a", reason: "   " },
        ],
        KEY,
      );
    expect(attempt).toThrow(ExemptionConfigError);
    expect(attempt).toThrow(`${KEY}[0].id must be a checklist id (e.g. CS-1)`);
    expect(attempt).toThrow(`${KEY}[1].reason is required`);
    expect(attempt).toThrow(`${KEY}[2].expires must be a date as YYYY-MM-DD`);
    expect(attempt).toThrow(`${KEY}[3] must have exactly one of \`resource\``);
    expect(attempt).toThrow(`${KEY}[4] must have exactly one of \`resource\``);
    expect(attempt).toThrow(`${KEY}[5].reason must say why the finding is accepted`);
    expect(() => parseExemptions({ id: "CS-1" }, KEY)).toThrow(`${KEY} must be a list of exemptions`);
    expect(() => parseExemptions([{ id: "CS-1", resource: "a", reason: "r", typo: 1 }], KEY)).toThrow(
      `${KEY}[0] has unknown setting(s): typo`,
    );
  });

  it("in a policy's pack config, takes the policy's id when the entry names none and refuses another", () => {
    expect(
      parseExemptions([{ resource: "web", reason: "r" }], "pack config p.exemptions", "CS-1")[0],
    ).toMatchObject({
      id: "CS-1",
      source: "pack config p.exemptions[0]",
    });
    expect(() =>
      parseExemptions([{ id: "CS-2", resource: "web", reason: "r" }], "p.exemptions", "CS-1"),
    ).toThrow("p.exemptions[0].id must be CS-1");
  });

  it("reads the stack's list from PULUMI_CONFIG, where the engine hands lists over as JSON text", () => {
    const config = { [KEY]: JSON.stringify([{ id: "CS-1", resource: "*web*", reason: "r" }]) };
    expect(exemptionsFromStackConfig({ PULUMI_CONFIG: JSON.stringify(config) })).toHaveLength(1);
    expect(exemptionsFromStackConfig({})).toEqual([]);
    expect(() => exemptionsFromStackConfig({ PULUMI_CONFIG: JSON.stringify({ [KEY]: "not json" }) })).toThrow(
      `${KEY} must be a list of exemptions`,
    );
  });
});

describe("matching a finding", () => {
  const urn =
    "urn:pulumi:local::agency-deploy::agency-deploy:docker:AgencyInstance$docker:index/container:Container::local-web";
  const exemption = (target: Partial<Exemption>): Exemption => ({
    id: HIGH.id,
    reason: "r",
    source: "s",
    kind: "external",
    ...target,
  });

  it("matches a resource glob against the logical name or the whole URN, types with slashes included", () => {
    expect(matches(exemption({ resource: "local-web" }), subject({ urn }))).toBe(true);
    expect(matches(exemption({ resource: "local-*" }), subject({ urn }))).toBe(true);
    expect(
      matches(exemption({ resource: "urn:pulumi:local::*::*Container::local-web" }), subject({ urn })),
    ).toBe(true);
    expect(matches(exemption({ resource: "local-db" }), subject({ urn }))).toBe(false);
    expect(matches(exemption({ resource: "local-web", id: "CS-9" }), subject({ urn }))).toBe(false);
  });

  it("matches a relative file glob against the path's trailing segments, and an optional line glob", () => {
    const file = "/home/someone/project/stacks/sample-app/Dockerfile";
    expect(matches(exemption({ file: "Dockerfile" }), subject({ file, line: 12 }))).toBe(true);
    expect(matches(exemption({ file: "sample-app/Dockerfile:12" }), subject({ file, line: 12 }))).toBe(true);
    expect(matches(exemption({ file: "**/Dockerfile:1?" }), subject({ file, line: 12 }))).toBe(true);
    expect(matches(exemption({ file: "Dockerfile:13" }), subject({ file, line: 12 }))).toBe(false);
    expect(matches(exemption({ file: "other-app/Dockerfile" }), subject({ file, line: 12 }))).toBe(false);
    expect(matches(exemption({ file: "Dockerfile" }), subject({ urn }))).toBe(false);
  });
});

describe("pragmas", () => {
  it("reads ids, the reason and an optional until date", () => {
    expect(
      parsePragma('USER root  # agency-deploy: ignore CS-1,CS-5 reason="legacy" until=2027-01-31', 4),
    ).toEqual({
      exemptions: [
        { id: "CS-1", reason: "legacy", expires: "2027-01-31", source: "pragma at line 4", kind: "inSource" },
        { id: "CS-5", reason: "legacy", expires: "2027-01-31", source: "pragma at line 4", kind: "inSource" },
      ],
    });
    expect(parsePragma("USER root", 4)).toBeUndefined();
  });

  it("names the line of a pragma that is broken: no reason, a bad date, an unknown id", () => {
    expect(parsePragma("# agency-deploy: ignore CS-1", 2)).toEqual({
      broken: expect.stringContaining("the pragma at line 2 does not read as"),
    });
    expect(parsePragma('# agency-deploy: ignore CS-1 reason=""', 2)).toEqual({
      broken: "the pragma at line 2 has an empty reason",
    });
    expect(parsePragma('# agency-deploy: ignore CS-1 reason="x" until=31/01/2027', 2)).toEqual({
      broken: expect.stringContaining("until=31/01/2027, which is not a date"),
    });
    expect(parsePragma('# agency-deploy: ignore QQ-1 reason="x"', 2)).toEqual({
      broken: "the pragma at line 2 names unknown checklist id(s): QQ-1",
    });
  });

  it("covers the offending line from the line itself or a comment line right above (Dockerfiles have no trailing comments)", () => {
    const file = [
      "FROM python:3.12-slim",
      `# agency-deploy: ignore ${HIGH.id} reason="the uploader needs root until #12 lands"`,
      "USER root",
      "RUN true",
      `DEBUG = True  # agency-deploy: ignore ${HIGH.id} reason="demo only"`,
    ].join("\n");
    const reader = new PragmaReader(() => file);
    const policy = { allowCriticalExemptions: false, today: TODAY };
    expect(decide(subject({ file: "/x/Dockerfile", line: 3 }), [], reader, policy)).toEqual({
      kind: "exempted",
      exemption: expect.objectContaining({
        reason: "the uploader needs root until #12 lands",
        kind: "inSource",
      }),
    });
    expect(decide(subject({ file: "/x/Dockerfile", line: 4 }), [], reader, policy)).toEqual({ kind: "none" });
    expect(decide(subject({ file: "/x/settings.py", line: 5 }), [], reader, policy)).toMatchObject({
      kind: "exempted",
      exemption: { source: "pragma at line 5" },
    });
    expect(decide(subject({ id: "CS-9", file: "/x/Dockerfile", line: 3 }), [], reader, policy)).toEqual({
      kind: "none",
    });
  });
});

describe("deciding", () => {
  const base: Exemption = {
    id: HIGH.id,
    resource: "web",
    reason: "accepted",
    source: `${KEY}[0]`,
    kind: "external",
  };
  const urn = `urn:pulumi:s::p::${DOCKER.container}::web`;
  const policy = { allowCriticalExemptions: false, today: TODAY };

  it("applies an exemption through its expiry day, and says it expired the day after", () => {
    expect(decide(subject({ urn }), [{ ...base, expires: TODAY }], noFiles, policy).kind).toBe("exempted");
    expect(decide(subject({ urn }), [{ ...base, expires: "2026-11-30" }], noFiles, policy)).toEqual({
      kind: "not-applied",
      why: `${KEY}[0]: "accepted" expired on 2026-11-30`,
    });
  });

  it("refuses a critical item in production unless the policy's pack config allows it; demo may", () => {
    const critical = subject({ id: CRITICAL.id, severity: "critical", urn });
    const exemption = { ...base, id: CRITICAL.id };
    expect(decide(critical, [exemption], noFiles, policy)).toEqual({
      kind: "not-applied",
      why: expect.stringContaining(
        "a critical item cannot be exempted in production unless the policy's pack config sets allowCriticalExemptions: true",
      ),
    });
    expect(decide(critical, [exemption], noFiles, { ...policy, allowCriticalExemptions: true }).kind).toBe(
      "exempted",
    );
    expect(decide({ ...critical, mode: "demo" }, [exemption], noFiles, policy).kind).toBe("exempted");
  });
});

describe("the pack's policies with exemptions", () => {
  const others = RULES.filter((r) => r.id !== HIGH.id);
  const failing: Rule = {
    ...HIGH,
    scope: "resource",
    types: [DOCKER.container],
    check: () => [{ kind: "violation", message: "runs as root", location: { property: "user" } }],
  };
  const policyOf = (options: PackOptions): Policy =>
    buildPolicies([...others, failing], "production", { today: () => TODAY, ...options }).find(
      (p) => p.name === HIGH.policy,
    )!;

  async function validate(policy: Policy, args: ResourceValidationArgs): Promise<Reported[]> {
    const reported: Reported[] = [];
    if (!isResourcePolicy(policy) || typeof policy.validateResource !== "function")
      throw new Error("resource policy");
    await policy.validateResource(args, reporter(reported));
    return reported;
  }

  const web = resourceArgs({ type: DOCKER.container, props: {}, name: "web" });

  it("links each policy to its section of the checklist docs", () => {
    for (const policy of buildPolicies(RULES, "production")) {
      expect(policy.url).toMatch(/^https:\/\/.+\/docs\/checklist\.md#[a-z]+-\d+$/);
    }
  });

  it("reports an exempted violation as advisory, with the reason and where it was declared", async () => {
    const exemptions = parseExemptions(
      [{ id: HIGH.id, resource: "web", reason: "legacy", expires: "2027-01-31" }],
      KEY,
    );
    const [reported] = await validate(policyOf({ exemptions }), web);
    expect(reported).toMatchObject({ enforcementLevel: "advisory", urn: web.urn });
    expect(parseExemptionLines(reported!.message)).toMatchObject({
      exemption: { reason: "legacy", source: `${KEY}[0]`, kind: "external", expires: "2027-01-31" },
    });
  });

  it("reads exemptions and allowCriticalExemptions from the policy's pack config", async () => {
    const config = { exemptions: [{ resource: "w*", reason: "from pack config" }] };
    const [reported] = await validate(
      policyOf({}),
      resourceArgs({ type: DOCKER.container, props: {}, name: "web" }, config),
    );
    expect(reported).toMatchObject({ enforcementLevel: "advisory" });
    expect(parseExemptionLines(reported!.message).exemption).toMatchObject({
      source: `pack config ${HIGH.policy}.exemptions[0]`,
    });
  });

  it("keeps an expired exemption's finding at its level, saying it expired", async () => {
    const exemptions = parseExemptions(
      [{ id: HIGH.id, resource: "web", reason: "legacy", expires: "2020-01-01" }],
      KEY,
    );
    const [reported] = await validate(policyOf({ exemptions }), web);
    expect(reported?.enforcementLevel).toBeUndefined();
    expect(parseExemptionLines(reported!.message).notApplied).toBe(
      `${KEY}[0]: "legacy" expired on 2020-01-01`,
    );
  });

  it("turns a broken exemption list in pack config into a mandatory violation naming the index", async () => {
    const config = { exemptions: [{ resource: "web" }] };
    const [reported] = await validate(
      policyOf({}),
      resourceArgs({ type: DOCKER.container, props: {}, name: "web" }, config),
    );
    expect(reported).toMatchObject({ enforcementLevel: "mandatory" });
    expect(reported!.message).toContain(`pack config ${HIGH.policy}.exemptions[0].reason is required`);
  });
});
