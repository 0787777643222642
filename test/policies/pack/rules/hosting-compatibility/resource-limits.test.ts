import { resourceLimits as rule } from "../../../../../policies/pack/rules/hosting-compatibility/resource-limits";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../../support/resources";

const check = (type: string, props: Record<string, unknown>) =>
  judge(rule, resource(type, "c", props), context());

describe("resource-limits", () => {
  it("passes a container with memory and cpus", async () => {
    expect(await check(DOCKER.container, { image: "x", memory: 512, cpus: "0.5" })).toEqual([]);
  });
  it("accepts a CFS quota as the CPU cap", async () => {
    expect(await check(DOCKER.container, { image: "x", memory: 512, cpuQuota: 50000 })).toEqual([]);
  });
  it("faults a container without memory or CPU limits, naming each property", async () => {
    const result = await check(DOCKER.container, { image: "x", cpuShares: 512 });
    expect(result).toEqual([
      expect.objectContaining({
        kind: "violation",
        location: expect.objectContaining({ property: "memory" }),
      }),
      expect.objectContaining({ kind: "violation", location: expect.objectContaining({ property: "cpus" }) }),
    ]);
  });
  it("cannot verify limits unknown during preview", async () => {
    const result = await check(DOCKER.container, { image: "x", memory: UNKNOWN, cpus: UNKNOWN });
    expect(result).toEqual([
      expect.objectContaining({ kind: "unverifiable" }),
      expect.objectContaining({ kind: "unverifiable" }),
    ]);
  });
  it("passes Container Apps with an allocation and faults a zero CPU", async () => {
    const ok = { template: { containers: [{ image: "x", resources: { cpu: 0.5, memory: "1Gi" } }] } };
    const bad = { template: { containers: [{ image: "x", resources: { cpu: 0, memory: "1Gi" } }] } };
    expect(await check(AZURE.containerApp, ok)).toEqual([]);
    expect(await check(AZURE.containerApp, bad)).toEqual([expect.objectContaining({ kind: "violation" })]);
  });
  it("survives malformed properties without throwing", async () => {
    for (const props of [
      { memory: "lots", cpus: 3 },
      { template: "nope" },
      { template: { containers: [null, 4] } },
    ]) {
      await expect(check(DOCKER.container, props)).resolves.toBeDefined();
      await expect(check(AZURE.containerApp, props)).resolves.toBeDefined();
    }
  });
});
