/**
 * Malformed resources sent to the pack's validators, the way policies/pack/policies.ts hands them to the
 * rules: wrong types, nulls, arrays where objects belong, huge strings, unknown resource types.
 * Where the checklist item applies, its policy answers with an advisory "could not verify" finding
 * for that item; it never throws and never passes silently. Unknown types are not judged at all.
 */
import type { PolicyResource } from "@pulumi/policy";
import { CHECKLIST } from "../../../policies/pack/checklist";
import { buildPolicies } from "../../../policies/pack/policies";
import { COULD_NOT_VERIFY } from "../../../policies/protocol";
import { RULES } from "../../../policies/pack/rules";
import type { Resource } from "../../../policies/pack/rules/rule";
import { AZURE, DOCKER } from "../../../policies/pack/rules/types";
import { dockerStack } from "../../support/app-stacks";
import { webProps } from "../../support/app-stack";
import { SAMPLE_APP } from "../../support/app-images";
import {
  isResourcePolicy,
  NotApplicable,
  reporter,
  resourceArgs,
  stackArgs,
  type Policy,
  type Reported,
} from "../../support/policy-harness";
import { resource } from "../../support/resources";

const POLICIES = buildPolicies(RULES, "production");

function policyOf(id: string): Policy {
  const index = CHECKLIST.findIndex((item) => item.id === id);
  if (index < 0) throw new Error(`no checklist item ${id}`);
  return POLICIES[index];
}

/** A rule Resource as AnalyzeStack shows it: dependencies and parents as resources, not URNs. */
function policyResource(r: Resource, all: readonly Resource[]): PolicyResource {
  const byUrn = (urn: string) => all.find((x) => x.urn === urn) as unknown as PolicyResource;
  return {
    ...resourceArgs(r),
    parent: undefined,
    dependencies: r.dependencies.map(byUrn).filter((d) => d !== undefined),
    propertyDependencies: Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, urns]) => [k, urns.map(byUrn)]),
    ),
  } as unknown as PolicyResource;
}

/** Runs one policy the way the engine would: Analyze for `subject`, AnalyzeStack for the whole stack. */
async function validate(
  policy: Policy,
  subject: Resource,
  stack: readonly Resource[],
): Promise<Reported[] | "n/a"> {
  const reported: Reported[] = [];
  try {
    if (isResourcePolicy(policy)) {
      const validation = policy.validateResource;
      if (validation === undefined || Array.isArray(validation)) throw new Error("one validator per policy");
      await validation(resourceArgs(subject), reporter(reported));
    } else {
      const resources = stack.map((r) => policyResource(r, stack));
      await policy.validateStack(stackArgs(resources), reporter(reported));
    }
  } catch (error) {
    if (error instanceof NotApplicable) return "n/a";
    throw error;
  }
  return reported;
}

const HUGE = "x".repeat(1_000_000);
const web = (props: Record<string, unknown>) => resource(DOCKER.container, "web", webProps(props));
const image = (build: unknown) => resource(DOCKER.image, "app-image", { imageName: "app:1", build });
const containerApp = (props: Record<string, unknown>) => resource(AZURE.containerApp, "web", props);

/** The docker stack of the test support with one resource's props replaced. */
function stackWith(name: string, props: (current: Record<string, unknown>) => Record<string, unknown>) {
  const stack = dockerStack();
  const target = stack.find((r) => r.name === name);
  if (!target) throw new Error(`no ${name} in the support stack`);
  target.props = props(target.props);
  return { subject: target, stack };
}

interface Case {
  what: string;
  item: string;
  subject: Resource;
  stack?: Resource[];
}

const single = (what: string, item: string, subject: Resource): Case => ({ what, item, subject });
const inStack = (what: string, item: string, built: { subject: Resource; stack: Resource[] }): Case => ({
  what,
  item,
  ...built,
});

/** Malformed inputs the rule reads as "could not verify", as it should. */
const CASES: Case[] = [
  single("a Dockerfile build given as a string path", "CS-1", image("./app")),
  single("a null build", "CS-2", image(null)),
  single("a build context that is a number", "CS-5", image({ context: 7 })),
  single("a build context of a megabyte", "CS-6", image({ context: HUGE })),
  single("an image build that is an array", "CS-4", image([{ context: SAMPLE_APP }])),
  single("a null build for the audit router check", "DB-4", image(null)),
  single(
    "a remote image whose name is a number",
    "CS-1",
    resource(DOCKER.remoteImage, "app-image", { name: 5 }),
  ),
  single(
    "a remote image whose name is null",
    "CS-2",
    resource(DOCKER.remoteImage, "app-image", { name: null }),
  ),
  single(
    "a PostgreSQL server version that is an object",
    "DB-8",
    resource(AZURE.postgresServer, "db", { version: { major: 16 } }),
  ),
];

/**
 * Set but of the wrong shape: the rule says the value is unreadable, neither passing it as "not
 * set" nor blaming a missing setting.
 */
const MISSHAPEN: Case[] = [
  single(
    "a Container App CPU of a megabyte of text",
    "HC-8",
    containerApp({ template: { containers: [{ image: "x", resources: { cpu: HUGE, memory: "1Gi" } }] } }),
  ),
  single(
    "a read-only flag given as text",
    "CS-7",
    web({ readOnly: "yes", capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges:true"] }),
  ),
  single(
    "capabilities given as a string",
    "CS-7",
    web({ readOnly: true, capabilities: "ALL", securityOpts: ["no-new-privileges:true"] }),
  ),
  single(
    "security options given as an object",
    "CS-7",
    web({ readOnly: true, capabilities: { drops: ["ALL"] }, securityOpts: { "no-new-privileges": true } }),
  ),
  single("a memory limit given as words", "HC-8", web({ memory: "lots" })),
  single(
    "a remote image whose name is a megabyte",
    "CS-3",
    resource(DOCKER.remoteImage, "app-image", { name: HUGE }),
  ),
  inStack(
    "web env given as an object",
    "DB-1",
    stackWith("x-web", (p) => ({ ...p, envs: { DATABASE_URL: "postgres://db" } })),
  ),
  inStack(
    "a release command given as an object",
    "SR-1",
    stackWith("x-release", (p) => ({ ...p, command: { sh: "-c" } })),
  ),
  single("a container user that is a number", "CS-1", web({ user: 42 })),
  single("a container user that is an array", "CS-1", web({ user: ["root"] })),
  single("a Container App template given as a string", "HC-8", containerApp({ template: "x" })),
  single(
    "a Container App whose containers are an object",
    "HC-8",
    containerApp({ template: { containers: { image: "x" } } }),
  ),
  single("a Job with a null template", "HC-8", resource(AZURE.job, "release", { template: null })),
  single("published ports given as a string", "HC-5", web({ ports: "5432:5432" })),
  single(
    "ingress given as an array",
    "HC-5",
    containerApp({ configuration: { ingress: [1] }, template: { containers: [{ image: "x" }] } }),
  ),
  single(
    "a PostgreSQL server version that is a word",
    "DB-8",
    resource(AZURE.postgresServer, "db", { version: "nine" }),
  ),
  single(
    "a Dockerfile path given as an array",
    "CS-1",
    image({ context: SAMPLE_APP, dockerfile: ["Dockerfile"] }),
  ),
];

const UNKNOWN_TYPES: [string, string, Record<string, unknown>][] = [
  [
    "a Docker-like service",
    "docker:index/service:Service",
    { image: "app:1", user: "root", ports: [{ external: 5432 }] },
  ],
  [
    "an Azure-like web app",
    "azure-native:web:WebApp",
    { siteConfig: { linuxFxVersion: "PYTHON|3.12" }, httpsOnly: "no" },
  ],
  ["a type token that is not one", "not a type", { template: null, envs: {} }],
];

/** What the item's policy reports; "not applicable" reports nothing. */
async function findingsFor(c: Case): Promise<Reported[]> {
  const reported = await validate(policyOf(c.item), c.subject, c.stack ?? [c.subject]);
  return reported === "n/a" ? [] : reported;
}

function isAdvisoryCouldNotVerify(r: Reported): boolean {
  return r.enforcementLevel === "advisory" && r.message.includes(COULD_NOT_VERIFY);
}

describe("malformed resources", () => {
  it("cover at least 20 malformations", () => {
    expect(CASES.length + MISSHAPEN.length + UNKNOWN_TYPES.length).toBeGreaterThanOrEqual(20);
  });

  it.each([...CASES, ...MISSHAPEN].map((c) => [c.item, c.what, c] as const))(
    "%s answers %s with an advisory 'could not verify'",
    async (_item, _what, c) => {
      expect((await findingsFor(c)).filter(isAdvisoryCouldNotVerify)).not.toEqual([]);
    },
  );

  it.each(MISSHAPEN.map((c) => [c.item, c.what, c] as const))(
    "%s names %s as of an unexpected shape and blames no missing setting",
    async (_item, _what, c) => {
      const reported = await findingsFor(c);
      expect(reported.filter((r) => !isAdvisoryCouldNotVerify(r))).toEqual([]);
      expect(reported.map((r) => r.message)).toContainEqual(
        expect.stringContaining("of an unexpected shape ("),
      );
    },
  );

  it.each(UNKNOWN_TYPES)("no policy judges %s (%s), and none throws", async (_what, type, props) => {
    const subject = resource(type, "thing", props);
    for (const policy of POLICIES) {
      const reported = await validate(policy, subject, [subject]);
      if (reported !== "n/a") expect(reported).toEqual([]);
    }
  });
});
