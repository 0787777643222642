import * as fs from "fs";
import * as path from "path";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import * as api from "../../components";
import startPlugin from "../../components/plugin";
import { markSecretOutputs, PLUGIN_COMPONENTS, pluginDirectory } from "../../components/provider";
import { REPO_ROOT } from "../support/paths";

const packageJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  main: string;
  exports: Record<string, Record<string, string> | string>;
};

// The schema itself, from the installed package as `pulumi package add` builds it, is checked by
// test/package/consumer.test.ts.
describe("the component package", () => {
  it("is declared as a nodejs Pulumi plugin", () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, "PulumiPlugin.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });

  it("gives the plugin runner a function to call (package.json main), not components to host", () => {
    expect(packageJson.main).toBe("dist/components/plugin.js");
    expect(typeof startPlugin).toBe("function");
    expect(getPulumiComponents(startPlugin)).toEqual([]);
    expect(pluginDirectory()).toBe(REPO_ROOT);
  });

  it("serves the two instances to other languages", () => {
    expect(PLUGIN_COMPONENTS.map((c) => c.name)).toEqual(["DockerAgencyInstance", "AzureAgencyInstance"]);
  });

  it("exports the instances and their building blocks to TypeScript programs", () => {
    expect(
      getPulumiComponents(api)
        .map((c) => c.name)
        .sort(),
    ).toEqual([
      "AgencySecrets",
      "AppDatabase",
      "AppImage",
      "AuditDatabase",
      "AzureAgencyInstance",
      "DockerAgencyInstance",
      "Proxy",
      "ReleasePhase",
      "WebService",
    ]);
    // The analyzer reads the TypeScript source through `default`; Node picks `import`/`require` first.
    expect(packageJson.exports["."]).toEqual({
      types: "./dist/components/index.d.ts",
      import: "./dist/components/index.js",
      require: "./dist/components/index.js",
      default: "./components/index.ts",
    });
  });

  it("marks the credential outputs secret in the schema, and refuses a schema without them", () => {
    const resource = (properties: object) => ({ properties });
    const schema = {
      resources: {
        "agency-deploy:index:DockerAgencyInstance": resource({
          url: {},
          databaseUrl: {},
          auditDatabaseUrl: {},
        }),
        "agency-deploy:index:AzureAgencyInstance": resource({
          url: {},
          databaseUrl: {},
          auditDatabaseUrl: {},
        }),
      },
    };
    const marked = JSON.parse(markSecretOutputs(JSON.stringify(schema))) as typeof schema;
    expect(marked.resources["agency-deploy:index:AzureAgencyInstance"].properties).toEqual({
      url: {},
      databaseUrl: { secret: true },
      auditDatabaseUrl: { secret: true },
    });
    expect(() =>
      markSecretOutputs(
        JSON.stringify({ resources: { "agency-deploy:index:DockerAgencyInstance": resource({}) } }),
      ),
    ).toThrow("the schema of DockerAgencyInstance has no output databaseUrl");
  });
});
