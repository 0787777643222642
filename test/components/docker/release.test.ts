import { defaultReleaseSteps } from "../../../components/config";
import { ReleasePhase } from "../../../components/docker/release";
import { installCapture, valueOf } from "../../support/capture";

function release(name: string) {
  return new ReleasePhase(name, {
    imageId: "sha256:abc",
    steps: defaultReleaseSteps("production"),
    envs: ["DEBUG=False"],
    networks: ["internal"],
  });
}

describe("ReleasePhase", () => {
  it("releases the image ID only after every abort step succeeded", async () => {
    installCapture();
    expect(await valueOf(release("ok").imageId)).toBe("sha256:abc");
  });
  // The failure path (exit code -> message naming the step) is releaseFailure, tested in
  // test/components/release.test.ts; a rejected Output would crash the jest worker here.

  it("keeps the release logs out of plaintext state", async () => {
    const capture = installCapture();
    release("logs");
    await capture.settled();
    expect(capture.one("docker:index/container:Container", "logs-job").additionalSecretOutputs).toEqual([
      "containerLogs",
    ]);
  });
});
