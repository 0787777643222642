import * as fs from "fs";
import * as path from "path";
import { packageManifest, packageRoot } from "../../policies/package-manifest";
import { REPO_ROOT } from "../support/paths";

describe("the package manifest", () => {
  it("is the root package.json, not the pack's own policies/package.json on the way up", () => {
    expect(packageRoot()).toBe(REPO_ROOT);
    expect(packageManifest()).toMatchObject({
      name: "agency-deploy",
      version: (
        JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
      ).version,
    });
  });
});
