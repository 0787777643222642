import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import * as fc from "fast-check";
import { CATEGORIES, CHECKLIST } from "../../../policies/pack/checklist";
import { buildPolicies } from "../../../policies/pack/policies";
import { COULD_NOT_VERIFY } from "../../../policies/protocol";
import { RULES } from "../../../policies/pack/rules";
import type { Rule } from "../../../policies/pack/rules/rule";
import { AZURE, DOCKER } from "../../../policies/pack/rules/types";
import {
  isResourcePolicy,
  NotApplicable,
  reporter,
  resourceArgs as validationArgs,
  stackArgs,
  type Policy,
  type Reported,
} from "../../support/policy-harness";

function resourceArgs(
  type: string,
  props: Record<string, unknown>,
  config: object = {},
): ResourceValidationArgs {
  return validationArgs({ type, props }, config);
}

async function validate(policy: Policy, args: ResourceValidationArgs): Promise<Reported[] | "n/a"> {
  const reported: Reported[] = [];
  try {
    if (isResourcePolicy(policy)) {
      const validation = policy.validateResource;
      if (validation === undefined || Array.isArray(validation)) throw new Error("one validator per policy");
      await validation(args, reporter(reported));
    } else {
      const resource = { ...args, dependencies: [], propertyDependencies: {} } as unknown as PolicyResource;
      await policy.validateStack(stackArgs([resource], args.getConfig()), reporter(reported));
    }
  } catch (error) {
    if (error instanceof NotApplicable) return "n/a";
    throw error;
  }
  return reported;
}

describe("the pack's policies", () => {
  const policies = buildPolicies(RULES, "production");

  it("has exactly one policy per checklist item, named and tagged with its id and category", () => {
    expect(policies).toHaveLength(CHECKLIST.length);
    expect(new Set(policies.map((p) => p.name)).size).toBe(CHECKLIST.length);
    const slugs = new Set(CATEGORIES.map((c) => c.slug));
    for (const [i, item] of CHECKLIST.entries()) {
      expect(policies[i].name).toBe(item.policy);
      expect(policies[i].tags).toEqual([item.id, item.category]);
      expect(slugs.has(item.category)).toBe(true);
      expect(policies[i].severity).toBe(item.severity);
      expect(policies[i].remediationSteps).toBe(item.fix);
      expect(item.policy).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it("makes critical and high items mandatory in production and everything advisory in demo", () => {
    for (const [i, item] of CHECKLIST.entries()) {
      const expected = item.severity === "critical" || item.severity === "high" ? "mandatory" : "advisory";
      expect(policies[i].enforcementLevel).toBe(expected);
    }
    expect(new Set(buildPolicies(RULES, "demo").map((p) => p.enforcementLevel))).toEqual(
      new Set(["advisory"]),
    );
  });

  it("refuses a rule set that defines one item twice", () => {
    expect(() => buildPolicies([...RULES, RULES[0]], "production")).toThrow(
      /is defined by more than one rule/,
    );
  });
});

describe("a rule that cannot decide", () => {
  const item = CHECKLIST.find((i) => i.severity === "high")!;
  const others = RULES.filter((r) => r.id !== item.id);
  const throwing: Rule = {
    ...item,
    scope: "resource",
    types: [DOCKER.container],
    check: () => {
      throw new TypeError("Cannot read properties of undefined");
    },
  };
  const unknown: Rule = {
    ...item,
    scope: "resource",
    types: [DOCKER.container],
    check: () => [{ kind: "unverifiable", message: "the image is not known during preview" }],
  };
  const failing: Rule = {
    ...item,
    scope: "resource",
    types: [DOCKER.container],
    check: () => [{ kind: "violation", message: "runs as root", location: { property: "user" } }],
  };
  const policyOf = (rule: Rule, mode: "production" | "demo" = "production") =>
    buildPolicies([...others, rule], mode).find((p) => p.name === item.policy)!;

  it("reports a crash inside the rule as an advisory 'could not verify', never as an exception", async () => {
    const reported = await validate(policyOf(throwing), resourceArgs(DOCKER.container, {}));
    expect(reported).toEqual([
      expect.objectContaining({
        enforcementLevel: "advisory",
        message: expect.stringContaining(COULD_NOT_VERIFY),
      }),
    ]);
  });

  it("keeps 'could not verify' advisory even under a mandatory policy", async () => {
    const reported = await validate(policyOf(unknown), resourceArgs(DOCKER.container, {}));
    expect(reported).toEqual([
      expect.objectContaining({
        enforcementLevel: "advisory",
        message: `${item.description}\n${COULD_NOT_VERIFY} the image is not known during preview`,
      }),
    ]);
  });

  it("reports violations with the policy's own level and a machine-readable location line", async () => {
    const reported = await validate(policyOf(failing), resourceArgs(DOCKER.container, {}));
    const urn = `urn:pulumi:test::agency-deploy::${DOCKER.container}::r`;
    expect(reported).toEqual([{ message: `runs as root\nLocation: ${urn} user`, urn }]);
  });

  it("lets pack config switch a policy to demo mode, which makes its violations advisory", async () => {
    const reported = await validate(policyOf(failing), resourceArgs(DOCKER.container, {}, { mode: "demo" }));
    expect(reported).toEqual([expect.objectContaining({ enforcementLevel: "advisory" })]);
  });

  it("is not applicable to resource types it does not judge", async () => {
    expect(await validate(policyOf(failing), resourceArgs(AZURE.keyVault, {}))).toBe("n/a");
  });
});

describe("every policy, given random and malformed properties", () => {
  const types = [
    ...Object.values(DOCKER),
    ...Object.values(AZURE),
    "random:index/randomPassword:RandomPassword",
    "x:y:Z",
  ];
  const policies = buildPolicies(RULES, "production");
  const props = fc.dictionary(
    fc.constantFrom(
      "build",
      "envs",
      "image",
      "command",
      "user",
      "healthcheck",
      "ports",
      "template",
      "configuration",
      "network",
      "backup",
      "version",
      "properties",
      "value",
      "name",
      "restart",
      "memory",
      "tmpfs",
      "capabilities",
    ),
    fc.anything({ maxDepth: 3, withNullPrototype: true, withMap: false, withSet: false }),
  );

  it("reports findings or nothing, and never lets an exception escape", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...policies),
        fc.constantFrom(...types),
        props,
        async (policy, type, p) => {
          const reported = await validate(policy, resourceArgs(type, p));
          if (reported !== "n/a") for (const r of reported) expect(typeof r.message).toBe("string");
        },
      ),
      { numRuns: 300 },
    );
  });
});
