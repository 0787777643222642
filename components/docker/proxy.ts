/**
 * Proxy: Caddy terminating TLS for the instance's public domains and forwarding to the web
 * service. It is the only container that publishes ports (80 and 443). Public domains get ACME
 * certificates; localhost-style names get certificates from Caddy's internal CA (`tls internal`).
 * Every response carries HSTS and the usual secure headers.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { containerLogging, type ContainerLimits, resourceLimits } from "./hardening";

/** Pinned Caddy image; bump deliberately. */
export const CADDY_IMAGE = "caddy:2.10.2-alpine";
/** Docker cannot copy files into a read-only root, so the Caddyfile travels in the env and lands on tmpfs. */
export const CADDYFILE_PATH = "/tmp/Caddyfile";
export const CADDY_COMMAND = `printf '%s' "$CADDYFILE" > ${CADDYFILE_PATH} && exec caddy run --config ${CADDYFILE_PATH} --adapter caddyfile`;

/** Names no public CA will certify: served with Caddy's internal CA. */
export function isLocalDomain(domain: string): boolean {
  return domain === "localhost" || /\.(localhost|local|test|internal)$/.test(domain);
}

export interface CaddySite {
  domains: string[];
  /** `host:port` of the upstream. */
  upstream: string;
  /** ACME account e-mail. */
  email?: string;
}

const SECURE_HEADERS: readonly [string, string][] = [
  ["Strict-Transport-Security", '"max-age=31536000; includeSubDomains"'],
  ["X-Content-Type-Options", '"nosniff"'],
  ["X-Frame-Options", '"DENY"'],
  ["Referrer-Policy", '"strict-origin-when-cross-origin"'],
];

function siteBlock(domains: string[], upstream: string, internalTls: boolean): string[] {
  return [
    `${domains.join(", ")} {`,
    ...(internalTls ? ["\ttls internal"] : []),
    "\tencode zstd gzip",
    "\theader {",
    ...SECURE_HEADERS.map(([name, value]) => `\t\t${name} ${value}`),
    "\t\t-Server",
    "\t}",
    `\treverse_proxy ${upstream}`,
    "}",
  ];
}

/** The Caddyfile: global options, then one site for public domains and one for local ones. */
export function caddyfile(site: CaddySite): string {
  const local = site.domains.filter(isLocalDomain);
  const pub = site.domains.filter((domain) => !isLocalDomain(domain));
  const lines: string[] = ["{", "\tadmin localhost:2019"];
  if (site.email !== undefined) lines.push(`\temail ${site.email}`);
  lines.push("}");
  if (pub.length > 0) lines.push("", ...siteBlock(pub, site.upstream, false));
  if (local.length > 0) lines.push("", ...siteBlock(local, site.upstream, true));
  return lines.join("\n") + "\n";
}

export interface ProxyArgs {
  site: CaddySite;
  /** The network shared with the web service. */
  network: pulumi.Input<string>;
  httpPort: number;
  httpsPort: number;
  /** CPU and memory caps (`resources.proxy`). */
  limits: ContainerLimits;
}

export class Proxy extends pulumi.ComponentResource {
  readonly container: docker.Container;

  constructor(name: string, args: ProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agency-deploy:docker:Proxy", name, {}, opts);
    const parent = { parent: this };
    const pulled = new docker.RemoteImage(`${name}-image`, { name: CADDY_IMAGE, keepLocally: true }, parent);
    // Certificates and ACME account state: kept across container replacement (ACME rate limits).
    const data = new docker.Volume(`${name}-data`, {}, parent);
    this.container = new docker.Container(
      `${name}-server`,
      {
        // The pulled image's name (the pinned tag): orders the pull first and keeps the tag visible.
        image: pulled.name,
        entrypoints: ["/bin/sh", "-c"],
        command: [CADDY_COMMAND],
        envs: [`CADDYFILE=${caddyfile(args.site)}`],
        ports: [
          { internal: 80, external: args.httpPort },
          { internal: 443, external: args.httpsPort },
        ],
        volumes: [{ volumeName: data.name, containerPath: "/data" }],
        networksAdvanced: [{ name: args.network }],
        healthcheck: {
          tests: ["CMD", "wget", "-q", "-O", "/dev/null", "http://localhost:2019/config/"],
          interval: "15s",
          timeout: "5s",
          retries: 3,
          startPeriod: "10s",
        },
        wait: true,
        restart: "unless-stopped",
        readOnly: true,
        tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=16m", "/config": "rw,noexec,nosuid,nodev,size=16m" },
        capabilities: { drops: ["ALL"], adds: ["NET_BIND_SERVICE"] },
        securityOpts: ["no-new-privileges:true"],
        ...resourceLimits(args.limits),
        ...containerLogging(),
      },
      // dependsOn does not flow from a component to its children: forward it to the container.
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({});
  }
}
