import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { DockerAgencyInstance } from "../../components/docker/instance";
import { deployAgency } from "../../stacks/program";
import { FIXTURES_DIR, REPO_ROOT } from "../support/paths";
import { installCapture, valueOf } from "../support/capture";

/** A stack file's config as the engine hands it to the program: objects as JSON text. */
function stackConfig(file: string): Record<string, string> {
  const doc = yaml.load(fs.readFileSync(path.join(REPO_ROOT, "stacks", file), "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(doc.config).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

const APP_CONTEXT = path.join(FIXTURES_DIR, "docker-instance", "app");

describe("stack program", () => {
  it("the local stack is the sample app in production mode on https://localhost", () => {
    const config = stackConfig("Pulumi.local.yaml");
    expect(config).toMatchObject({
      "agency-deploy:agency": "local",
      "agency-deploy:mode": "production",
      "agency-deploy:domains": '["localhost"]',
    });
    expect(JSON.parse(config["agency-deploy:image"])).toMatchObject({ context: "stacks/sample-app" });
  });

  it("builds a Docker instance named after the agency from a stack's config", async () => {
    const capture = installCapture();
    const config = {
      ...stackConfig("Pulumi.riverside-food-bank.yaml"),
      "agency-deploy:image": JSON.stringify({ context: APP_CONTEXT }),
    };
    const instance = deployAgency(config);
    expect(instance).toBeInstanceOf(DockerAgencyInstance);
    expect(await valueOf(instance.url)).toBe("https://riverside-food-bank.example.org");
    await capture.settled();
    expect(capture.one("agency-deploy:docker:AgencyInstance", "riverside-food-bank")).toBeDefined();
    expect(capture.one("pulumi:providers:docker", "riverside-food-bank-docker").inputs.host).toBe(
      "ssh://deploy@riverside-food-bank.example.org",
    );
  });

  it("stops with every config problem by key, without a stack trace and without registering anything", async () => {
    const capture = installCapture();
    let error: unknown;
    try {
      deployAgency({ "agency-deploy:agency": "Bad Slug", "agency-deploy:domains": "[]", "other:key": "x" });
    } catch (err) {
      error = err;
    }
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("agency-deploy:agency must be a lowercase slug");
    expect(message).toContain("agency-deploy:domains must list at least one domain");
    expect(message).toContain("agency-deploy:image is required");
    await capture.settled();
    expect(capture.resources).toEqual([]);
  });
});
