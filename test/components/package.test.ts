import * as fs from "fs";
import * as path from "path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import * as api from "../../components";
import { REPO_ROOT } from "../support/paths";

const packageJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Record<
  string,
  unknown
>;

describe("the component package", () => {
  it("is declared as a nodejs Pulumi plugin", () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, "PulumiPlugin.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });

  it("exports exactly the instance components, as the plugin host discovers them", () => {
    expect(
      getPulumiComponents(api)
        .map((c) => c.name)
        .sort(),
    ).toEqual(["AzureAgencyInstance", "DockerAgencyInstance"]);
  });

  it("passes Pulumi's own schema analyzer without errors for every exported component", () => {
    // What `pulumi package add` runs: every component the host discovers, analysed from the
    // TypeScript source that package.json's `exports["."].default` names. (Slow: it type-checks the tree.)
    const analyzer = new Analyzer(
      REPO_ROOT,
      "agency-deploy",
      packageJson,
      new Set(getPulumiComponents(api).map((c) => c.name)),
    );
    const result = analyzer.analyze();
    const docker = result.components.DockerAgencyInstance;
    expect(Object.keys(docker.inputs).sort()).toEqual(
      expect.arrayContaining(["agency", "domains", "image", "mode", "target", "rotation"]),
    );
    expect(docker.inputs.mode).toMatchObject({ type: "string" });
    expect(Object.keys(docker.outputs)).toEqual(
      expect.arrayContaining(["url", "healthUrl", "imageDigest", "databaseUrl", "auditDatabaseUrl"]),
    );
    expect(Object.keys(result.typeDefinitions)).toEqual(
      expect.arrayContaining(["ImageArgs", "ReleaseStepArgs"]),
    );
  });
});
