/**
 * One env entry unknown during preview touches only the items that read it: the model reads the
 * rest of the container (deployment/workloads.ts), so every other item judges what it can read.
 */
import { RULES } from "../../../../policies/pack/rules";
import type { Resource, RuleResult } from "../../../../policies/pack/rules/rule";
import { UNKNOWN } from "../../../../policies/protocol";
import { dockerStack, URLS } from "../../../support/app-stacks";
import { context, judge } from "../../../support/resources";

// The proxy the policy SDK wraps every resource's props in (internal: not in its .d.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(props: T): T;
};

/** Every stack item's result on the docker stack with `envs`, as the engine shows it in preview. */
async function judgeAll(envs: string[]): Promise<Map<string, RuleResult>> {
  const stack: Resource[] = dockerStack({ envs }).map((r) => ({
    ...r,
    props: unknownCheckingProxy(r.props),
  }));
  const results = new Map<string, RuleResult>();
  for (const rule of RULES)
    if (rule.scope === "stack") results.set(rule.id, await judge(rule, stack, context()));
  return results;
}

function changed(known: Map<string, RuleResult>, other: Map<string, RuleResult>): string[] {
  return [...known.keys()].filter((id) => JSON.stringify(known.get(id)) !== JSON.stringify(other.get(id)));
}

describe("an env entry unknown during preview", () => {
  let known: Map<string, RuleResult>;
  beforeAll(async () => {
    known = await judgeAll([...URLS, "ALLOWED_HOSTS=riverside.example.org"]);
  });

  it("set to a deploy-time value changes only the item that reads that variable", async () => {
    const unknown = await judgeAll([...URLS, `ALLOWED_HOSTS=${UNKNOWN}`]);
    expect(changed(known, unknown)).toEqual(["CH-5"]);
    expect(unknown.get("CH-5")).toEqual([
      expect.objectContaining({
        kind: "unverifiable",
        message: 'ALLOWED_HOSTS of "x-web" is not known until the deployment runs.',
      }),
    ]);
  });

  it("unknown as a whole changes only the items that read a variable the container does not visibly set", async () => {
    const unknown = await judgeAll([...URLS, UNKNOWN]);
    // CH-3: the sample app's settings require SECRET_KEY, which this stack does not visibly set.
    expect(changed(known, unknown)).toEqual(["CH-3", "CH-4", "CH-5", "CH-6"]);
    for (const id of ["CH-3", "CH-4", "CH-5", "CH-6"]) {
      for (const finding of unknown.get(id) as Exclude<RuleResult, string>) {
        expect(finding).toMatchObject({
          kind: "unverifiable",
          message: expect.stringMatching(
            /may set (SECRET_KEY|FIELD_ENCRYPTION_KEY|DEBUG|ALLOWED_HOSTS|CSRF_TRUSTED_ORIGINS) in envs\.3/,
          ),
        });
      }
    }
  });

  it("may hold a variable the container does not visibly set: could not verify, not a missing setting", async () => {
    const unknown = await judgeAll([...URLS.filter((e) => !e.startsWith("DATABASE_URL=")), UNKNOWN]);
    expect(unknown.get("DB-1")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: "unverifiable",
          message: '"x-web" may set DATABASE_URL in envs.2, which is not known until the deployment runs.',
        }),
      ]),
    );
    expect(JSON.stringify(unknown.get("DB-1"))).not.toContain("does not set DATABASE_URL");
  });
});
