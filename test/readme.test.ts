import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { instanceSchema } from "../components/config";
import { VERDICT_TABLE } from "../policies/command/cli/exit-status";
import { REPO_ROOT } from "./support/paths";

// zod wraps defaulted/optional settings; the leaf is the innermost type.
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  while ("innerType" in current._zod.def) current = current._zod.def.innerType as z.core.$ZodType;
  return current;
}

function settingKeys(schema: z.core.$ZodType, prefix = ""): string[] {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [prefix];
  return Object.entries(inner.shape).flatMap(([key, value]) =>
    settingKeys(value as z.core.$ZodType, prefix === "" ? key : `${prefix}.${key}`),
  );
}

describe("README", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

  it("opens with the two commands a newcomer runs after cloning", () => {
    const opening = readme.split("\n").slice(0, 20).join("\n");
    expect(opening).toContain("npm ci && npx agency-deploy check");
    expect(opening).toContain("npm test");
  });

  it("documents every configuration key of the schema, and no other", () => {
    const documented = [...readme.matchAll(/^\| `agency-deploy:([A-Za-z.]+)`/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(settingKeys(instanceSchema).sort());
  });
});

test("the README carries the verdict and gate table --help prints, verbatim", () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  expect(readme).toContain(VERDICT_TABLE);
});
