import { hardenedRuntime } from "../../../../../components/docker/hardening";
import { runtimeHardening } from "../../../../../policies/pack/rules/container-security/runtime-hardening";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../../support/resources";

const ctx = context();
const check = (props: Record<string, unknown>) =>
  judge(runtimeHardening, resource(DOCKER.container, "web", { image: "app:1", ...props }), ctx);

describe("CS-7 runtime-hardening", () => {
  it("passes a container with the components' hardened runtime", async () => {
    expect(await check({ ...hardenedRuntime() })).toEqual([]);
  });

  it("names every missing hardening setting on a plain container", async () => {
    const result = await check({});
    expect(result === "not-applicable" ? [] : result.map((f) => f.location?.property).sort()).toEqual([
      "capabilities.drops",
      "readOnly",
      "securityOpts",
    ]);
  });

  it("fails privileged, host network and a mounted Docker socket", async () => {
    const result = await check({
      ...hardenedRuntime(),
      privileged: true,
      networkMode: "host",
      volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock" }],
      capabilities: { drops: ["ALL"], adds: ["SYS_ADMIN"] },
    });
    expect(result === "not-applicable" ? [] : result.map((f) => f.location?.property).sort()).toEqual([
      "capabilities.adds",
      "networkMode",
      "privileged",
      "volumes[0].hostPath",
    ]);
  });

  it("holds a database container only to no-new-privileges, no privileges and no host access", async () => {
    expect(await check({ image: "postgres:16.10", securityOpts: ["no-new-privileges:true"] })).toEqual([]);
  });

  it("cannot verify settings unknown during preview and never throws on odd shapes", async () => {
    const result = await check({ ...hardenedRuntime(), readOnly: UNKNOWN });
    expect(result === "not-applicable" ? [] : result.map((f) => f.kind)).toEqual(["unverifiable"]);
    expect(() =>
      check({ capabilities: "ALL", securityOpts: 7, volumes: [null, 3], mounts: {} }),
    ).not.toThrow();
  });
});
