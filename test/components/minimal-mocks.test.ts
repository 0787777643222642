/**
 * Pulumi's documented unit-test mocks, as a consumer writes them first: every resource echoes its
 * inputs as its state (id: name + "_id"), every invoke its arguments. No provider output exists (a
 * random password's `result`, a registry's `loginServer`), and the instances must still construct
 * and settle: nothing may throw on a value only a real provider computes.
 *
 * One output is different: the exit code of a one-shot Docker job (password rotation, backup,
 * release) gates everything after it, and no exit code is no success (the Docker provider reports
 * one only for a container that is no longer running). So a Docker test's mocks report the jobs'
 * exit codes, as README.md's unit-test example does; without one the deployment stops at the
 * first job with a message naming it.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  AzureAgencyInstance,
  DockerAgencyInstance,
  INSTANCE_OUTPUT_NAMES,
  instanceOutputs,
} from "../../components";
import { riversideArgs } from "../support/docker-instance";

/** The output's value (`undefined` where the mocks leave it unset). */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
  // `promise()` is the SDK's own way to await an Output (internal in the typings).
  return (output as unknown as { promise(): Promise<T> }).promise();
}

beforeAll(() => {
  pulumi.runtime.setMocks({
    newResource: (args) => ({
      id: `${args.name}_id`,
      state: args.type === "docker:index/container:Container" ? { ...args.inputs, exitCode: 0 } : args.inputs,
    }),
    call: (args) => args.inputs,
  });
});

describe("the instances under Pulumi's minimal mocks", () => {
  it("construct an AzureAgencyInstance whose every output settles", async () => {
    const instance = new AzureAgencyInstance(
      "minimal-azure",
      riversideArgs({ target: "azure", agency: "lakeside" }),
    );
    const values = await Promise.all(
      Object.values(instanceOutputs(instance)).map((output) => settled(output as pulumi.Output<unknown>)),
    );
    expect(values).toHaveLength(INSTANCE_OUTPUT_NAMES.length);
    expect(await settled(instance.canonicalUrl)).toBe("https://riverside.example.org");
  });

  it("construct a DockerAgencyInstance whose every output settles", async () => {
    const instance = new DockerAgencyInstance("minimal-docker", riversideArgs());
    const outputs = instanceOutputs(instance);
    const values = await Promise.all(
      INSTANCE_OUTPUT_NAMES.map((name) => settled(outputs[name] as pulumi.Output<unknown>)),
    );
    expect(Object.fromEntries(INSTANCE_OUTPUT_NAMES.map((name, i) => [name, values[i]]))).toMatchObject({
      url: "https://riverside.example.org",
      healthUrl: "https://riverside.example.org/healthz/",
      appDatabaseName: "app",
      auditDatabaseName: "audit",
      runbook: expect.stringContaining("pg_dump"),
    });
  });
});
