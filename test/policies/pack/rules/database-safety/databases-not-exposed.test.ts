import { databasesNotExposed } from "../../../../../policies/pack/rules/database-safety/databases-not-exposed";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { context, resource, urnOf, judge } from "../../../../support/resources";
import type { Resource } from "../../../../../policies/pack/rules/rule";

const ctx = context();
const internal = resource(DOCKER.network, "x-internal", { name: "x-internal", internal: true });
const publicNet = resource(DOCKER.network, "x-public", { name: "x-public" });
const db = (props: Record<string, unknown>) =>
  resource(
    DOCKER.container,
    "x-app-db-server",
    { image: "postgres:16.10-bookworm", ...props },
    { propertyDependencies: { networksAdvanced: [internal.urn] } },
  );
const properties = async (resources: Resource[]) => {
  const result = await judge(databasesNotExposed, resources, ctx);
  return result === "not-applicable" ? result : result.map((f) => `${f.kind}:${f.location?.property}`);
};

describe("DB-6 databases-not-exposed", () => {
  it("passes a database on an internal network with no published port", async () => {
    expect(await properties([internal, db({ networksAdvanced: [{ name: "x-internal" }] })])).toEqual([]);
  });

  it("fails published ports, host networking and non-internal or default networks", async () => {
    expect(
      await properties([
        publicNet,
        db({
          networksAdvanced: [{ name: "x-public" }],
          ports: [
            { internal: 5432, external: 5432 },
            { internal: 5432, ip: "127.0.0.1" },
          ],
        }),
      ]),
    ).toEqual(["violation:ports[0]", "violation:internal"]);
    expect(await properties([db({ networkMode: "host" })])).toEqual(["violation:networkMode"]);
    expect(await properties([db({})])).toEqual(["violation:networksAdvanced"]);
  });

  it("cannot verify networks unknown during preview or declared outside the stack", async () => {
    expect(await properties([db({ networksAdvanced: UNKNOWN })])).toEqual(["unverifiable:networksAdvanced"]);
    expect(
      await properties([
        resource(DOCKER.container, "db", { image: "postgres:16", networksAdvanced: [{ name: "elsewhere" }] }),
      ]),
    ).toEqual(["unverifiable:networksAdvanced[0]"]);
  });

  it("judges Azure public access, firewall width and TLS", async () => {
    const server = resource(AZURE.postgresServer, "pg", {
      serverName: "pg",
      network: { publicNetworkAccess: "Enabled" },
    });
    const wired = { propertyDependencies: { serverName: [urnOf(AZURE.postgresServer, "pg")] } };
    const azureServices = resource(
      AZURE.postgresFirewallRule,
      "azure",
      { startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" },
      wired,
    );
    const internet = resource(
      AZURE.postgresFirewallRule,
      "all",
      { startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" },
      wired,
    );
    const tlsOff = resource(
      AZURE.postgresConfiguration,
      "tls",
      { configurationName: "require_secure_transport", value: "OFF" },
      wired,
    );
    expect(await properties([server, azureServices])).toEqual([]);
    expect(await properties([server, internet, tlsOff])).toEqual([
      "violation:endIpAddress",
      "violation:value",
    ]);
    const closed = resource(AZURE.postgresServer, "pg", { network: { publicNetworkAccess: "Disabled" } });
    expect(await properties([closed, internet])).toEqual([]);
  });

  it("does not apply to stacks without databases", async () => {
    expect(
      await properties([resource(DOCKER.container, "web", { image: "app", command: ["gunicorn"] })]),
    ).toBe("not-applicable");
  });
});
