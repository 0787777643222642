/**
 * Adversarial input for every policy's validator, and the hostile runs the inspectors' own fuzz
 * test (inspect/fuzz.test.ts) does not generate: long runs of backslashes, quotes, `${`, `**\/`,
 * nested brackets, combining marks, astral characters and NUL. Nothing may throw, and each input
 * must finish within a bound: a catastrophic regular expression or parser backtrack shows as
 * seconds; ordinary work on a shared 2-core machine stays far below it.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import fc from "fast-check";
import { loadGrammars, withinBound, withinBoundAsync } from "../../support/fuzz-bound";
import { memoryContext } from "../../../policies/pack/inspect/context-files";
import { readDockerfile } from "../../../policies/pack/inspect/dockerfile";
import { judgeContext } from "../../../policies/pack/inspect/dockerignore";
import { readEntrypointScript } from "../../../policies/pack/inspect/entrypoint";
import { readSettingsModule } from "../../../policies/pack/inspect/settings";
import { buildPolicies } from "../../../policies/pack/policies";
import { RULES } from "../../../policies/pack/rules";
import { UNKNOWN } from "../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../policies/pack/rules/types";
import { BAD_APP, SAMPLE_APP } from "../../support/app-images";
import {
  isResourcePolicy,
  NotApplicable,
  resourceArgs,
  stackArgs,
  type Policy,
} from "../../support/policy-harness";

const RUNS = [
  "\\".repeat(20_000),
  "\\\n".repeat(5000),
  '"'.repeat(20_000),
  "'".repeat(20_000),
  "${".repeat(5000),
  "${a:-".repeat(3000) + "}".repeat(3000),
  "$(".repeat(3000),
  "`".repeat(5000),
  "**/".repeat(5000),
  "!**/".repeat(2000) + "*",
  "[".repeat(5000),
  "[a-".repeat(3000),
  "{[(".repeat(3000) + ")]}".repeat(3000),
  "\0".repeat(5000),
  "e\u0301\u0302\u0303".repeat(3000),
  "\u{1F600}\u200d".repeat(3000),
  "a=".repeat(5000),
  "postgres://" + "a:".repeat(3000) + "@",
];

const PIECES = [
  "\\",
  '"',
  "'",
  "${",
  "}",
  "**/",
  "*",
  "?",
  "[",
  "]",
  "!",
  "\0",
  "e\u0301",
  "\u{1F600}",
  "\n",
  " ",
  "=",
  "$",
  "(",
  ")",
  "`",
  "/",
  ".",
  ":",
  "@",
  "#",
  "<<EOF",
  "manage.py",
  "migrate",
  "gunicorn",
  "&&",
  ";",
  "|",
];

const hostile = fc.oneof(
  fc.constantFrom(...RUNS),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 3000 }).map((parts) => parts.join("")),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }),
);

describe("inspectors under hostile runs", () => {
  beforeAll(loadGrammars);

  it("the Dockerfile reader", () => {
    const dockerfile = fc.tuple(
      fc.constantFrom("", "FROM python:3.12\n", "ARG A=${B}\nFROM a\nENV "),
      hostile,
    );
    fc.assert(
      fc.property(
        dockerfile,
        ([head, text]) => void withinBound(() => readDockerfile(head + text, "Dockerfile")),
      ),
      { numRuns: 120 },
    );
  });

  it("the .dockerignore matcher", () => {
    const files = fc.array(
      fc.oneof(
        hostile.map((t) => t.slice(0, 200)),
        fc.constantFrom(".env", "a/b/.git/x"),
      ),
      {
        maxLength: 30,
      },
    );
    fc.assert(
      fc.property(hostile, files, (patterns, list) => {
        withinBound(() => judgeContext(patterns, ".dockerignore", list, ["Dockerfile"], false));
      }),
      { numRuns: 120 },
    );
  });

  // @balena/dockerignore 1.0.2 turns each `**` into a backtracking group: unbounded, 9 in a line
  // took ~1 s and 12 ~22 s against one 20-deep path (see collapseStarStars and MAX_STAR_STARS).
  it("the .dockerignore matcher, for lines of many `**`, together or apart", () => {
    const deep = [`${"a/".repeat(20)}b`, `${"a/".repeat(20)}x`];
    withinBound(() => judgeContext(`${"**/".repeat(12)}x`, ".dockerignore", deep, ["Dockerfile"], false));
    withinBound(() => judgeContext(`${"**a".repeat(12)}x`, ".dockerignore", deep, ["Dockerfile"], false));
    expect(judgeContext(`${"**/".repeat(12)}x`, ".dockerignore", deep, [], false).sentFiles).toEqual([
      deep[0],
    ]);
  });

  it("the entrypoint reader", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        await withinBoundAsync(() =>
          readEntrypointScript(`#!/bin/sh\nset -e\n${text}`, { file: "e.sh" }, text),
        );
      }),
      { numRuns: 60 },
    );
  });

  // tree-sitter-bash's scanner is quadratic on a run of NUL bytes (8000: ~2 s): such text is a
  // binary, refused before parsing, and reported as unreadable.
  it("the entrypoint reader, for a binary of NUL bytes", async () => {
    const facts = await withinBoundAsync(() =>
      readEntrypointScript(`#!/bin/sh\n${"\0".repeat(8000)}`, { file: "e.sh" }),
    );
    expect(facts.syntaxErrors).toEqual([{ file: "e.sh", line: 1 }]);
  });

  it("the settings reader", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        const files = memoryContext({
          "s/base.py": `X = [${text}]`,
          "s/prod.py": `from .base import *\n${text}`,
        });
        await withinBoundAsync(() => readSettingsModule(files, "s.prod", [""]));
      }),
      { numRuns: 60 },
    );
  });
});

const report = (() => undefined) as unknown as ReportViolation;

interface Generated {
  type: string;
  props: Record<string, unknown>;
}

function generatedArgs({ type, props }: Generated, i: number): ResourceValidationArgs {
  return resourceArgs({ type, props, name: `r${i}` });
}

async function validate(policy: Policy, resources: Generated[]): Promise<void> {
  try {
    if (isResourcePolicy(policy)) {
      const validation = policy.validateResource;
      if (validation === undefined || Array.isArray(validation)) throw new Error("one validator per policy");
      await validation(generatedArgs(resources[0], 0), report);
    } else {
      const all = resources.map((r, i) => generatedArgs(r, i));
      const stack = all.map((r, i) => ({
        ...r,
        // Every resource depends on the one before it, so graph walks have something to walk.
        dependencies: i > 0 ? [all[i - 1]] : [],
        propertyDependencies: i > 0 ? { image: [all[i - 1]] } : {},
      })) as unknown as PolicyResource[];
      await policy.validateStack(stackArgs(stack), report);
    }
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
}

const text = fc.oneof(
  hostile,
  fc.constantFrom(UNKNOWN, "", "postgres:16.10-bookworm", "python:3.12-slim", "sh", "-c", "root", "0"),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constantFrom(null, UNKNOWN, 42, [], {}));
const envEntry = fc
  .tuple(fc.constantFrom("DATABASE_URL", "SECRET_KEY", "DEBUG", "LANG", "DJANGO_SETTINGS_MODULE", "X"), text)
  .map(([name, value]) => `${name}=${value}`);

const dockerContainer = fc.record(
  {
    image: maybe(text),
    command: maybe(fc.array(text, { maxLength: 4 })),
    entrypoints: maybe(fc.array(text, { maxLength: 3 })),
    envs: maybe(fc.array(maybe(envEntry), { maxLength: 6 })),
    user: maybe(text),
    healthcheck: maybe(
      fc.record({ tests: maybe(fc.array(text, { maxLength: 4 })), startPeriod: maybe(text) }),
    ),
    ports: maybe(
      fc.array(maybe(fc.record({ internal: maybe(fc.integer()), external: maybe(fc.integer()) }))),
    ),
    volumes: maybe(fc.array(maybe(fc.record({ hostPath: maybe(text), containerPath: maybe(text) })))),
    memory: maybe(fc.oneof(fc.integer(), text)),
    cpus: maybe(text),
    securityOpts: maybe(fc.array(text, { maxLength: 3 })),
    capabilities: maybe(fc.record({ drops: maybe(fc.array(text)), adds: maybe(fc.array(text)) })),
    restart: maybe(text),
  },
  { requiredKeys: [] },
);

const dockerImage = fc.record(
  {
    imageName: maybe(text),
    build: maybe(
      fc.record(
        {
          context: maybe(fc.oneof(fc.constantFrom(SAMPLE_APP, BAD_APP), text)),
          dockerfile: maybe(text),
          target: maybe(text),
          args: maybe(fc.dictionary(text, text, { maxKeys: 3 })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

const azureContainer = fc.record(
  {
    image: maybe(text),
    command: maybe(fc.array(text, { maxLength: 3 })),
    args: maybe(fc.array(text, { maxLength: 3 })),
    env: maybe(fc.array(maybe(fc.record({ name: maybe(text), value: maybe(text), secretRef: maybe(text) })))),
    resources: maybe(fc.record({ cpu: maybe(fc.oneof(fc.double(), text)), memory: maybe(text) })),
    probes: maybe(
      fc.array(maybe(fc.record({ type: maybe(text), httpGet: maybe(fc.record({ path: maybe(text) })) }))),
    ),
  },
  { requiredKeys: [] },
);

const azureApp = fc.record(
  {
    template: maybe(
      fc.record(
        {
          containers: maybe(fc.array(maybe(azureContainer), { maxLength: 2 })),
          scale: maybe(fc.record({ minReplicas: maybe(fc.integer()), maxReplicas: maybe(fc.integer()) })),
        },
        { requiredKeys: [] },
      ),
    ),
    configuration: maybe(
      fc.record({
        ingress: maybe(fc.record({ external: maybe(fc.boolean()), targetPort: maybe(fc.integer()) })),
      }),
    ),
    version: maybe(text),
    name: maybe(text),
  },
  { requiredKeys: [] },
);

const generated: fc.Arbitrary<Generated> = fc.oneof(
  fc.record({ type: fc.constant<string>(DOCKER.container), props: dockerContainer }),
  fc.record({ type: fc.constant<string>(DOCKER.image), props: dockerImage }),
  fc.record({
    type: fc.constantFrom<string>(DOCKER.remoteImage, DOCKER.volume, DOCKER.network),
    props: fc.record({ name: maybe(text) }),
  }),
  fc.record({
    type: fc.constantFrom<string>(AZURE.containerApp, AZURE.job, AZURE.postgresServer),
    props: azureApp,
  }),
  fc.record({
    type: fc.constantFrom<string>("x:y:Z", "docker:index/service:Service"),
    props: fc.dictionary(text, text, { maxKeys: 3 }),
  }),
);

describe("every policy's validator under adversarial resources", () => {
  const policies = buildPolicies(RULES, "production");
  const resourcePolicies = policies.filter(isResourcePolicy);
  const stackPolicies = policies.filter((p) => !isResourcePolicy(p));

  beforeAll(async () => {
    // Warm the inspectors (grammars, the sample app's facts) outside the bound.
    for (const policy of policies) {
      await validate(policy, [{ type: DOCKER.image, props: { build: { context: SAMPLE_APP } } }]);
    }
  });

  it("resource validators never throw and stay within the bound", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...resourcePolicies), generated, async (policy, resource) => {
        await withinBoundAsync(() => validate(policy, [resource]));
      }),
      { numRuns: 250 },
    );
  });

  it("stack validators never throw and stay within the bound", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...stackPolicies),
        fc.array(generated, { minLength: 1, maxLength: 6 }),
        async (policy, resources) => {
          await withinBoundAsync(() => validate(policy, resources));
        },
      ),
      { numRuns: 150 },
    );
  });
});
