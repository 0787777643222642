import * as pulumi from "@pulumi/pulumi";
import { DockerAgencyInstance } from "../../../components/docker/instance";
import { previousImageDigest, selfStackName } from "../../../components/docker/previous-deployment";
import { installCapture, valueOf } from "../../support/capture";

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

describe("previousImageDigest", () => {
  it("is empty on the first deployment (a stack that never deployed has no outputs)", () => {
    expect(previousImageDigest("sha256:new", {})).toBe("");
    expect(previousImageDigest("sha256:new", undefined)).toBe("");
  });

  it("becomes the last deployment's image when the image changes", () => {
    expect(previousImageDigest("sha256:new", { imageDigest: "sha256:old", previousImageDigest: "" })).toBe(
      "sha256:old",
    );
  });

  it("keeps pointing at the release before when the same image is deployed again", () => {
    const last = { imageDigest: "sha256:same", previousImageDigest: "sha256:older" };
    expect(previousImageDigest("sha256:same", last)).toBe("sha256:older");
  });

  it("ignores outputs that are not strings", () => {
    expect(previousImageDigest("sha256:new", { imageDigest: 42, previousImageDigest: null })).toBe("");
  });
});

describe("selfStackName", () => {
  it("is the fully qualified org/project/stack name, so the backend finds this very stack", async () => {
    await pulumi.runtime.setMocks(
      { newResource: (a) => ({ id: a.name, state: a.inputs }), call: (a) => a.inputs },
      "agency-deploy",
      "riverside-food-bank",
      false,
      "riverside-org",
    );
    expect(selfStackName()).toBe("riverside-org/agency-deploy/riverside-food-bank");
  });

  it("falls back to the bare stack name where the runtime knows no organization (test mode)", () => {
    installCapture({ stack: "riverside-food-bank" });
    expect(selfStackName()).toBe("riverside-food-bank");
  });
});

describe("DockerAgencyInstance previousImageDigest", () => {
  async function deployWithLastOutputs(lastOutputs: Record<string, unknown>) {
    const references: Record<string, unknown>[] = [];
    const capture = installCapture({
      stack: "riverside-food-bank",
      outputs: (a) => {
        if (a.type !== STACK_REFERENCE) return {};
        references.push(a.inputs);
        return { outputs: lastOutputs };
      },
    });
    const instance = new DockerAgencyInstance("riverside", {
      agency: "riverside",
      domains: ["riverside.example.org"],
      image: { ref: "ghcr.io/riverside/app:1.5.0" },
    });
    const [current, previous] = [
      await valueOf(instance.imageDigest),
      await valueOf(instance.previousImageDigest),
    ];
    await capture.settled();
    return { current, previous, references };
  }

  it("reads this stack's own last outputs through a StackReference", async () => {
    const { current, previous, references } = await deployWithLastOutputs({
      imageDigest: "ghcr.io/riverside/app@sha256:0ld",
    });
    expect(references).toEqual([{ name: "riverside-food-bank" }]);
    expect(current).toMatch(/^ghcr\.io\/riverside\/app@sha256:/);
    expect(previous).toBe("ghcr.io/riverside/app@sha256:0ld");
  });

  it("keeps the earlier previous image when the last deployment ran the same image", async () => {
    const first = await deployWithLastOutputs({});
    expect(first.previous).toBe("");
    const again = await deployWithLastOutputs({
      imageDigest: first.current,
      previousImageDigest: "app@sha256:older",
    });
    expect(again.previous).toBe("app@sha256:older");
  });
});
