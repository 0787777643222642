import { defaultReleaseSteps } from "../../../components/config";
import { ReleasePhase } from "../../../components/docker/release";
import { installCapture, valueOf } from "../../support/capture";

function release(name: string) {
  return new ReleasePhase(name, {
    imageId: "sha256:abc",
    steps: defaultReleaseSteps("production"),
    envs: ["DEBUG=False"],
    networks: ["internal"],
    limits: { cpu: 1, memoryMb: 1024 },
    timeoutMinutes: 120,
  });
}

describe("ReleasePhase", () => {
  it("releases the image ID only after every abort step succeeded", async () => {
    installCapture();
    expect(await valueOf(release("ok").imageId)).toBe("sha256:abc");
  });
  // The failure path (exit code -> message naming the step) is releaseFailure, tested in
  // test/components/release.test.ts; a rejected Output fails jest's test, so failed gates are
  // deployed end to end in a process of their own (gate.test.ts).

  it("keeps the release logs out of plaintext state", async () => {
    const capture = installCapture();
    release("logs");
    await capture.settled();
    expect(capture.one("docker:index/container:Container", "logs-job").additionalSecretOutputs).toEqual([
      "containerLogs",
    ]);
  });
});
