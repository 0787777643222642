import { onlyProxyPublished as rule } from "../../../../../policies/pack/rules/hosting-compatibility/only-proxy-published";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, judge } from "../../../../support/resources";

const check = (type: string, props: Record<string, unknown>) =>
  judge(rule, resource(type, "c", props), context());

describe("only-proxy-published", () => {
  it("lets the proxy publish 80 and 443", async () => {
    expect(
      await check(DOCKER.container, {
        image: "caddy:2.10",
        ports: [
          { internal: 80, external: 80 },
          { internal: 443, external: 443 },
        ],
      }),
    ).toEqual([]);
  });
  it("faults the proxy publishing another port", async () => {
    expect(
      await check(DOCKER.container, { image: "caddy:2.10", ports: [{ internal: 2019, external: 2019 }] }),
    ).toEqual([expect.objectContaining({ kind: "violation", location: { property: "ports[0]" } })]);
  });
  it("faults a database or app that publishes any port, even a random one", async () => {
    expect(await check(DOCKER.container, { image: "postgres:16", ports: [{ internal: 5432 }] })).toEqual([
      expect.objectContaining({ kind: "violation" }),
    ]);
    expect(
      await check(DOCKER.container, {
        image: "app",
        command: ["gunicorn", "x:app"],
        ports: [{ internal: 8000, external: 8000 }],
      }),
    ).toHaveLength(1);
  });
  it("faults host networking and publishAllPorts", async () => {
    expect(
      await check(DOCKER.container, { image: "app", networkMode: "host", publishAllPorts: true }),
    ).toHaveLength(2);
  });
  it("cannot verify a port unknown during preview", async () => {
    expect(await check(DOCKER.container, { image: "app", ports: [{ internal: UNKNOWN }] })).toEqual([
      expect.objectContaining({ kind: "unverifiable" }),
    ]);
  });
  it("judges Container Apps ingress: HTTP ingress passes, extra external port mappings fail", async () => {
    expect(
      await check(AZURE.containerApp, { configuration: { ingress: { external: true, targetPort: 8000 } } }),
    ).toEqual([]);
    const extra = {
      configuration: {
        ingress: { external: true, additionalPortMappings: [{ external: true, targetPort: 5432 }] },
      },
    };
    expect(await check(AZURE.containerApp, extra)).toEqual([expect.objectContaining({ kind: "violation" })]);
  });
});
