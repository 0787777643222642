/**
 * WebService: its readiness probe asks as the canonical domain it is given, the instance's
 * resolved domains (one source with ALLOWED_HOSTS, the proxy's sites and the URL), whatever the
 * raw settings held.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseInstanceSettings } from "../../../components/config";
import { WebService } from "../../../components/docker/web";
import { installCapture } from "../../support/capture";
import { riversideArgs } from "../../support/docker-instance";

describe("WebService", () => {
  it("probes as the first of the domains it is given, once they resolve", async () => {
    const capture = installCapture();
    const settings = parseInstanceSettings(riversideArgs({ domains: ["raw.example.org"] }));
    new WebService("riverside-web", {
      settings,
      domains: pulumi.output(["resolved.example.org", "www.resolved.example.org"]),
      releaseKey: "r1",
      imageId: "sha256:1",
      envs: [],
      networks: ["internal"],
      engine: { kind: "unix", socketPath: "/var/run/docker.sock" },
    });
    await capture.settled();
    const web = capture.one("docker:index/container:Container", "riverside-web-server-r1");
    const { tests } = web.inputs.healthcheck as { tests: string[] };
    expect(tests[3]).toContain('"Host": "resolved.example.org"');
    expect(tests[3]).not.toContain("raw.example.org");
  });
});
