/**
 * Mistakes made in code are reported as code: the component and its name, then each argument path
 * (`args.mode`), not the stack config keys (`agency-deploy:mode`) a stack's user would set.
 */
import { AzureAgencyInstance, ConfigError, DockerAgencyInstance } from "../../components";
import { riversideArgs } from "../support/docker-instance";
import { installCapture } from "../support/capture";

describe.each([
  ["DockerAgencyInstance", DockerAgencyInstance, riversideArgs()],
  ["AzureAgencyInstance", AzureAgencyInstance, riversideArgs({ target: "azure" })],
])("%s given invalid args", (component, Instance, valid) => {
  it("names the component and each argument path, and registers nothing", async () => {
    const capture = installCapture();
    let error: unknown;
    try {
      // @ts-expect-error -- a value the type refuses, as another language could still send it
      new Instance("harbor", { ...valid, mode: "prodution", domains: ["ok.example.org", "not a host"] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      [
        `Invalid arguments of ${component} "harbor":`,
        '  - args.mode must be "production" or "demo"',
        "  - args.domains[1] must be a hostname",
      ].join("\n"),
    );
    await capture.settled();
    expect(capture.resources).toEqual([]);
  });
});
