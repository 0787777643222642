/**
 * DB-6: no database can be reached from outside the deployment.
 * Docker: a database container publishes no port (loopback-only is fine), does not use the
 * host's network, and sits only on internal networks. Azure: the PostgreSQL server has public
 * access disabled (or a delegated subnet), or its firewall rules are narrow (0.0.0.0-0.0.0.0,
 * "Azure services", is allowed; 0.0.0.0-255.255.255.255 is the whole internet), and TLS is not
 * switched off (`require_secure_transport`, on by default).
 */
import { at, bool, isUnknown, list, str } from "../props";
import { NOT_APPLICABLE, unverifiable, violation } from "../rule";
import type { Finding, Resource, StackRule } from "../rule";
import { type Workload } from "../../deployment/workloads";
import { AZURE, DOCKER } from "../types";
import type { Deployment } from "../../deployment";

/** Firewall ranges wider than this many addresses (a /16) count as open to the internet. */
const MAX_FIREWALL_ADDRESSES = 65536;
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export const databasesNotExposed: StackRule = {
  id: "DB-6",
  policy: "databases-not-exposed",
  category: "database-safety",
  severity: "high",
  title: "Database reachable from outside",
  description:
    "No published database ports, internal networks only; on Azure public access off or firewalled, TLS required.",
  impact: "The database is open to the internet: brute force, data theft.",
  fix: "Remove published ports and use an internal network; on Azure disable public access or limit the firewall, set require_secure_transport=ON.",
  verify: "docker port <db container>   # prints nothing",
  scope: "stack",
  types: [
    DOCKER.container,
    DOCKER.network,
    AZURE.postgresServer,
    AZURE.postgresFirewallRule,
    AZURE.postgresConfiguration,
  ],
  check(deployment) {
    const dockerDatabases = deployment.withRole("database").filter((w) => w.platform === "docker");
    const servers = deployment.resources.filter((r) => r.type === AZURE.postgresServer);
    if (dockerDatabases.length === 0 && servers.length === 0) return NOT_APPLICABLE;
    return [
      ...dockerDatabases.flatMap((db) => dockerFindings(db, deployment)),
      ...servers.flatMap((server) => azureFindings(server, deployment, servers.length === 1)),
    ];
  },
};

function dockerFindings(db: Workload, deployment: Deployment): Finding[] {
  const r = db.resource;
  const props = r.props;
  const here = (property: string) => ({ urn: r.urn, property });
  const findings: Finding[] = [];
  list(props, "ports").forEach((port, i) => {
    const ip = str(port, "ip");
    if (ip !== undefined && LOOPBACK.has(ip)) return;
    const inside = at(port, "internal");
    findings.push(
      violation(
        `Database container ${r.name} publishes port ${typeof inside === "number" ? inside : "?"} on the host, so anyone who can reach the host can try to log in. Remove the port; the app reaches it over the internal network.`,
        here(`ports[${i}]`),
      ),
    );
  });
  if (bool(props, "publishAllPorts") === true) {
    findings.push(
      violation(
        `Database container ${r.name} publishes all its ports on the host. Remove publishAllPorts.`,
        here("publishAllPorts"),
      ),
    );
  }
  const mode = str(props, "networkMode");
  if (mode === "host") {
    findings.push(
      violation(
        `Database container ${r.name} uses the host's network, so its port is open on the host. Use an internal Docker network.`,
        here("networkMode"),
      ),
    );
    return findings;
  }
  if (isUnknown(at(props, "networksAdvanced"))) {
    findings.push(
      unverifiable(
        `the networks of ${r.name} are not known until the deployment runs.`,
        here("networksAdvanced"),
      ),
    );
    return findings;
  }
  const entries = list(props, "networksAdvanced");
  if (entries.length === 0) {
    findings.push(
      violation(
        `Database container ${r.name} is on Docker's default network instead of an internal one, so every container on the host can reach it. Attach it to a network with internal: true.`,
        here("networksAdvanced"),
      ),
    );
    return findings;
  }
  const networks = deployment.resources.filter((n) => n.type === DOCKER.network);
  const wired = new Set(r.propertyDependencies.networksAdvanced ?? []);
  entries.forEach((entry, i) => {
    const name = str(entry, "name");
    const matches = networks.filter(
      (n) =>
        (name !== undefined && (str(n.props, "name") === name || n.name === name)) ||
        (name === undefined && wired.has(n.urn)),
    );
    const network =
      matches.length === 1
        ? matches[0]
        : entries.length === 1
          ? networks.find((n) => wired.has(n.urn))
          : undefined;
    if (!network) {
      findings.push(
        unverifiable(
          `network ${i + 1} of ${r.name} is not declared in this stack, so whether it is internal cannot be checked.`,
          here(`networksAdvanced[${i}]`),
        ),
      );
    } else if (isUnknown(at(network.props, "internal"))) {
      findings.push(
        unverifiable(`whether network ${network.name} is internal is not known until the deployment runs.`, {
          urn: network.urn,
          property: "internal",
        }),
      );
    } else if (bool(network.props, "internal") !== true) {
      findings.push(
        violation(
          `Database container ${r.name} joins network ${network.name}, which is not internal. Set internal: true on it (put the proxy on a separate public network).`,
          { urn: network.urn, property: "internal" },
        ),
      );
    }
  });
  return findings;
}

/** Resources of `type` that belong to `server`: wired through serverName, the same name, or the only server. */
function belongingTo(
  server: Resource,
  deployment: Deployment,
  type: string,
  onlyServer: boolean,
): Resource[] {
  const serverName = str(server.props, "serverName");
  return deployment.resources.filter((r) => {
    if (r.type !== type) return false;
    const wired = r.propertyDependencies.serverName ?? [];
    if (wired.includes(server.urn)) return true;
    if (wired.length > 0) return false;
    const name = str(r.props, "serverName");
    if (name !== undefined && serverName !== undefined) return name === serverName;
    return onlyServer || r.dependencies.includes(server.urn);
  });
}

function azureFindings(server: Resource, deployment: Deployment, onlyServer: boolean): Finding[] {
  const findings: Finding[] = [];
  const access = at(server.props, "network.publicNetworkAccess");
  const subnet = str(server.props, "network.delegatedSubnetResourceId");
  if (isUnknown(access)) {
    findings.push(
      unverifiable(`whether ${server.name} allows public access is not known until the deployment runs.`, {
        urn: server.urn,
        property: "network.publicNetworkAccess",
      }),
    );
  }
  const publicAccess = str(access) !== "Disabled" && subnet === undefined;
  if (publicAccess) {
    for (const rule of belongingTo(server, deployment, AZURE.postgresFirewallRule, onlyServer)) {
      const start = str(rule.props, "startIpAddress");
      const end = str(rule.props, "endIpAddress");
      if (start === undefined || end === undefined) {
        findings.push(
          unverifiable(
            `the address range of firewall rule ${rule.name} is not known until the deployment runs.`,
            { urn: rule.urn, property: "startIpAddress" },
          ),
        );
        continue;
      }
      const size = rangeSize(start, end);
      if (size === undefined) continue;
      if (size > MAX_FIREWALL_ADDRESSES) {
        const everyone = start === "0.0.0.0" && end === "255.255.255.255";
        findings.push(
          violation(
            `Firewall rule ${rule.name} opens PostgreSQL server ${server.name} to ${everyone ? "the whole internet" : `${size} addresses`}. Limit it to the addresses that need access, or disable public access.`,
            { urn: rule.urn, property: "endIpAddress" },
          ),
        );
      }
    }
  }
  for (const config of belongingTo(server, deployment, AZURE.postgresConfiguration, onlyServer)) {
    const name = str(config.props, "configurationName") ?? config.name;
    if (name.toLowerCase() !== "require_secure_transport") continue;
    const value = str(config.props, "value");
    if (value !== undefined && !["on", "1", "true"].includes(value.toLowerCase())) {
      findings.push(
        violation(
          `Configuration ${config.name} turns off require_secure_transport on ${server.name}, so passwords and data can travel unencrypted. Set it to ON.`,
          { urn: config.urn, property: "value" },
        ),
      );
    }
  }
  return findings;
}

function ipv4(address: string): number | undefined {
  const parts = address.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (!/^\d{1,3}$/.test(part) || n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function rangeSize(start: string, end: string): number | undefined {
  const a = ipv4(start);
  const b = ipv4(end);
  return a === undefined || b === undefined ? undefined : Math.max(0, b - a + 1);
}
