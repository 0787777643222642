/**
 * Proxy: Caddy terminating TLS for the instance's public domains and forwarding to the web
 * service. It is the only container that publishes ports (80 and 443). Public domains get ACME
 * certificates; localhost-style names get certificates from Caddy's internal CA (`tls internal`).
 * Every response carries HSTS and the usual secure headers.
 *
 * Releases switch the route without restarting Caddy: Caddy's own config (its env) routes to
 * `web`, the name every release's web container answers to, so it works on its own (first start,
 * restarts); RouteSwitch then loads the same Caddyfile with the upstream set to this release's
 * container, through Caddy's admin API (`caddy reload`, a graceful in-place reload: no dropped
 * connections). It runs only after the new web container is healthy, so traffic reaches a release
 * only once it is healthy, and the old container is deleted only after the switch. If the switch
 * fails, the update fails and the proxy keeps routing to the previous container.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { jobFailure } from "./gate";
import { containerLogging, type ContainerLimits, REPLACE_ON_CHANGES, resourceLimits } from "./hardening";
import type { JobLedger } from "./job-ledger";
import { pulledImage } from "./pulled-image";
import { GatedJob } from "./one-shot-job";

/** Pinned Caddy image; bump deliberately. */
export const CADDY_IMAGE = "caddy:2.10.2-alpine";
/** Docker cannot copy files into a read-only root, so the Caddyfile travels in the env and lands on tmpfs. */
export const CADDYFILE_PATH = "/tmp/Caddyfile";
export const CADDY_COMMAND = `printf '%s' "$CADDYFILE" > ${CADDYFILE_PATH} && exec caddy run --config ${CADDYFILE_PATH} --adapter caddyfile`;

/**
 * Caddy's admin endpoint: IPv4 loopback, spelled out. The healthcheck's BusyBox wget tries `::1`
 * first for `localhost` and does not fall back, while the admin endpoint listens on IPv4.
 */
export const CADDY_ADMIN = "127.0.0.1:2019";
/** The route switch pushes its Caddyfile to the running Caddy through the admin endpoint. */
export const ROUTE_SWITCH_COMMAND = `printf '%s' "$CADDYFILE" > ${CADDYFILE_PATH} && exec caddy reload --config ${CADDYFILE_PATH} --adapter caddyfile --address ${CADDY_ADMIN}`;
/** Minutes the route switch may take: one local HTTP call. */
export const ROUTE_SWITCH_TIMEOUT_MINUTES = 5;
/** The ledger's name for the route switch. */
export const ROUTE_SWITCH_JOB = "route-switch";

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

/** A CaddySite whose domains may come from other resources' outputs. */
export interface CaddySiteArgs {
  domains: pulumi.Input<pulumi.Input<string>[]>;
  upstream: string;
  email?: string;
}

/** The `CADDYFILE=` env entry: the Caddyfile of `site`, once its domains are known. */
function caddyfileEnvironment(site: CaddySiteArgs): pulumi.Output<string> {
  return pulumi.output(site).apply((resolved) => `CADDYFILE=${caddyfile(resolved)}`);
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
    // A request that cannot be delivered (the web container restarting) is re-dialled every
    // 250 ms for up to 5 s. No passive health check (`fail_duration`): with one upstream, one
    // failed dial would mark it down for the whole duration, and every request in that time
    // would wait out the 5 s and fail even once the container is back.
    `\treverse_proxy ${upstream} {`,
    "\t\tlb_try_duration 5s",
    "\t}",
    "}",
  ];
}

/** The Caddyfile: global options, then one site for public domains and one for local ones. */
export function caddyfile(site: CaddySite): string {
  const local = site.domains.filter(isLocalDomain);
  const pub = site.domains.filter((domain) => !isLocalDomain(domain));
  const lines: string[] = ["{", `\tadmin ${CADDY_ADMIN}`];
  if (site.email !== undefined) lines.push(`\temail ${site.email}`);
  lines.push("}");
  if (pub.length > 0) lines.push("", ...siteBlock(pub, site.upstream, false));
  if (local.length > 0) lines.push("", ...siteBlock(local, site.upstream, true));
  return lines.join("\n") + "\n";
}

export interface ProxyArgs {
  site: CaddySiteArgs;
  /** The network shared with the web service. */
  network: pulumi.Input<string>;
  httpPort: number;
  httpsPort: number;
  /** CPU and memory caps (`resources.proxy`). */
  limits: ContainerLimits;
}

export class Proxy extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** The pinned Caddy image, pulled (the route switch runs it too). */
  readonly image: pulumi.Output<string>;

  constructor(name: string, args: ProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agency-deploy:docker:Proxy", name, {}, opts);
    const parent = { parent: this };
    const pulled = pulledImage(name, CADDY_IMAGE, this);
    this.image = pulled.name;
    // Certificates and ACME account state: kept across container replacement (ACME rate limits).
    const data = new docker.Volume(`${name}-data`, {}, parent);
    this.container = new docker.Container(
      `${name}-server`,
      {
        // The pulled image's name (the pinned tag): orders the pull first and keeps the tag visible.
        image: pulled.name,
        entrypoints: ["/bin/sh", "-c"],
        command: [CADDY_COMMAND],
        envs: [caddyfileEnvironment(args.site)],
        ports: [
          { internal: 80, external: args.httpPort },
          { internal: 443, external: args.httpsPort },
        ],
        volumes: [{ volumeName: data.name, containerPath: "/data" }],
        networksAdvanced: [{ name: args.network }],
        healthcheck: {
          tests: ["CMD", "wget", "-q", "-O", "/dev/null", `http://${CADDY_ADMIN}/config/`],
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
      { parent: this, dependsOn: opts?.dependsOn, replaceOnChanges: REPLACE_ON_CHANGES },
    );
    this.registerOutputs({});
  }
}

export interface RouteSwitchArgs {
  /** The running proxy. */
  proxy: Proxy;
  /** The Caddyfile's site, its upstream the new release's own container. */
  site: CaddySiteArgs;
  /** CPU and memory caps (`resources.proxy`). */
  limits: ContainerLimits;
  /** Reruns the switch after a failed one (job-ledger.ts). */
  ledger?: JobLedger;
}

/** Why the proxy still routes to the previous release, for a switch that exited with `exitCode`. */
export function routeSwitchFailure(name: string, exitCode: number): string | undefined {
  return jobFailure(
    `${name}: the proxy's route switch`,
    exitCode,
    "the proxy still routes to the previous web container, which keeps running",
    `See \`docker logs ${name}\` and the proxy's own logs; the next \`pulumi up\` switches again`,
  );
}

/**
 * A one-shot job in Caddy's network namespace (`container:<proxy>`, so it reaches the admin
 * endpoint on the proxy's loopback and nothing else) that loads the release's Caddyfile into the
 * running Caddy. Depend on it (opts.dependsOn: the new web container) so it runs once that is
 * healthy; `after(value)` resolves only once the proxy routes to the new release.
 */
export class RouteSwitch extends GatedJob {
  constructor(name: string, args: RouteSwitchArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      "agency-deploy:docker:RouteSwitch",
      name,
      () => ({
        job: ROUTE_SWITCH_JOB,
        name,
        image: args.proxy.image,
        script: ROUTE_SWITCH_COMMAND,
        envs: [caddyfileEnvironment(args.site)],
        networkMode: pulumi.interpolate`container:${args.proxy.container.id}`,
        // Unprivileged: `caddy reload` only reads the file it writes to /tmp and makes one HTTP call.
        user: "65534:65534",
        tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=1m" },
        limits: args.limits,
        timeoutMinutes: ROUTE_SWITCH_TIMEOUT_MINUTES,
        ledger: args.ledger,
        failure: (exitCode) => routeSwitchFailure(name, exitCode),
      }),
      opts,
    );
  }
}
