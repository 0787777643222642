/**
 * WebService: gunicorn serving the Django app from the image the release succeeded with.
 *
 * Guarantees: gunicorn started explicitly (not the image's entrypoint), bound to $PORT, with
 * workers, threads, timeouts and stdout/stderr logs set; a non-root user; an HTTP readiness
 * healthcheck (python's urllib: slim images have no curl) and `wait` until healthy; a restart
 * policy; read-only root with tmpfs /tmp, no capabilities, no-new-privileges; CPU and memory
 * limits; rotated logs; a stop timeout longer than gunicorn's graceful timeout; no published
 * ports (the proxy reaches it on the instance network).
 *
 * Zero-downtime releases: the provider replaces a container by deleting it first (pulumi-docker
 * sets delete-before-create for containers itself), so a release that replaced the serving
 * container would stop it before its successor is healthy. Instead each release gets a container
 * of its own, named after the release (`releaseKey`: the image's source digest and every
 * setting), created beside the serving one. It must become healthy (`wait`) before anything
 * after it runs: only then does the proxy's route switch (proxy.ts) send traffic to it, and the
 * previous container, no longer registered, is deleted after everything else succeeded (the
 * engine deletes unregistered resources last). A new container that fails its health check fails
 * the update there: the route switch never runs, the old container keeps serving and is not
 * deleted, and the next `up` replaces the failed container (`replaceOnChanges: ["*"]` also turns
 * its stored initialization error into a replacement rather than a no-op update). The provider's
 * own failure says only "failed to be in healthy state"; the HealthGate (health-gate.ts) watching
 * the same container fails the update with the container's last log lines.
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import * as crypto from "crypto";
import type { InstanceSettings } from "../config";
import { stableJson } from "./job-ledger";
import { declaredDomains, type DomainsInput } from "../domains";
import { APP_PORT } from "../environment";
import { gunicornCommand } from "../gunicorn";
import { containerLogging, hardenedRuntime, resourceLimits } from "./hardening";
import { APP_USER } from "./release";
import { CREDENTIAL_ENV_NAMES } from "./environment";
import { type EngineEndpoint, HealthGate, instanceEngine, secretValues } from "./health-gate";

/** Seconds docker waits after SIGTERM beyond gunicorn's graceful timeout before SIGKILL. */
export const STOP_MARGIN_SECONDS = 10;
/** DNS name of the web service on the instance networks. */
export const WEB_HOST = "web";
/** Seconds the provider (and the health gate) wait for a new web container to become healthy. */
export const WEB_WAIT_TIMEOUT_SECONDS = 180;
/** The label every release's web container carries (its value: the WebService's name). */
export const WEB_LABEL = "agency-deploy.web";

/**
 * The web containers of the WebService `name`, for the runbook's `docker stop`/`docker start`: by
 * label, since the container's name changes with every release.
 */
export function webContainersCommand(name: string): string {
  return `$(docker ps -aq --filter label=${WEB_LABEL}=${name})`;
}

/**
 * An HTTP probe in python: GET the path on $PORT as the public host over the proxy's scheme
 * (so ALLOWED_HOSTS and the HTTPS redirect behave as for real traffic); healthy on 200.
 */
export function httpProbe(path: string, host: string): string[] {
  const script = [
    "import os, sys, urllib.request",
    `req = urllib.request.Request("http://127.0.0.1:%s${path}" % os.environ["PORT"], headers={"Host": ${JSON.stringify(host)}, "X-Forwarded-Proto": "https"})`,
    "sys.exit(0 if urllib.request.urlopen(req, timeout=4).status == 200 else 1)",
  ].join("\n");
  return ["CMD", "python", "-c", script];
}

/**
 * The web container's readiness healthcheck, probing as the canonical domain: the first of the
 * instance's resolved domains (the same value its env, proxy and URL use), once known.
 */
export function webHealthcheck(
  settings: InstanceSettings,
  domains: DomainsInput,
): docker.types.input.ContainerHealthcheck {
  return {
    tests: pulumi.output(domains).apply((resolved) => httpProbe(settings.django.readinessPath, resolved[0])),
    interval: "15s",
    timeout: "5s",
    retries: 3,
    startPeriod: "30s",
  };
}

/**
 * The release's key: changes with the image's source digest (image.ts sourceDigest) or any setting,
 * that is, with anything that would make the provider replace the web container.
 */
export function releaseKey(settings: InstanceSettings, sourceDigest: string): string {
  return (
    crypto
      .createHash("sha256")
      // A resource's name must be known when it is declared: domains still pending count as null.
      .update(
        stableJson({ settings: { ...settings, domains: declaredDomains(settings.domains) }, sourceDigest }),
      )
      .digest("hex")
      .slice(0, 12)
  );
}

export interface WebServiceArgs {
  settings: InstanceSettings;
  /**
   * The instance's domains, validated once they resolve (domains.ts resolveDomains), the first the
   * canonical one: the probe's Host header, as ALLOWED_HOSTS and the proxy's sites see them.
   */
  domains: DomainsInput;
  /** From releaseKey(): names this release's container. */
  releaseKey: string;
  /** The image ID gated on the release's success (ReleasePhase.imageId). */
  imageId: pulumi.Input<string>;
  envs: pulumi.Input<string>[];
  /** Internal (database) network first, then the proxy network. */
  networks: pulumi.Input<string>[];
  /** The Docker engine the containers run on, for the health gate; the provider's `docker:*` config when unset. */
  engine?: pulumi.Input<EngineEndpoint>;
}

/** A digest of what replaces the web container: a replacement under the same name is gated again. */
function containerDigest(args: WebServiceArgs): pulumi.Output<string> {
  return pulumi
    .all([args.imageId, pulumi.all(args.envs), pulumi.all(args.networks)])
    .apply(([image, envs, networks]) =>
      crypto.createHash("sha256").update(stableJson({ image, envs, networks })).digest("hex"),
    );
}

export class WebService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** Resolves once this release's container is healthy; fails the update with its logs otherwise. */
  readonly healthGate: HealthGate;
  /** The name every release's web container answers to (the proxy's fallback upstream). */
  readonly host: string = WEB_HOST;
  /** This release's own container name, also its DNS name: the proxy's upstream once it is healthy. */
  readonly releaseHost: string;
  readonly port: number = APP_PORT;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agency-deploy:docker:WebService", name, {}, opts);
    const { settings } = args;
    const stopTimeout = settings.gunicorn.gracefulTimeout + STOP_MARGIN_SECONDS;
    this.releaseHost = `${name}-${args.releaseKey}`;
    this.container = new docker.Container(
      `${name}-server-${args.releaseKey}`,
      {
        name: this.releaseHost,
        image: args.imageId,
        entrypoints: ["/bin/sh", "-c"],
        command: [gunicornCommand(settings)],
        envs: args.envs,
        user: APP_USER,
        networksAdvanced: args.networks.map((network) => ({
          name: network,
          aliases: [WEB_HOST, this.releaseHost],
        })),
        labels: [{ label: WEB_LABEL, value: name }],
        healthcheck: webHealthcheck(settings, args.domains),
        wait: true,
        waitTimeout: WEB_WAIT_TIMEOUT_SECONDS,
        restart: "unless-stopped",
        ...resourceLimits(settings.resources),
        stopSignal: "SIGTERM",
        stopTimeout,
        destroyGraceSeconds: stopTimeout,
        ...hardenedRuntime(),
        ...containerLogging(),
      },
      // dependsOn does not flow from a component to its children: forward it to the container.
      { parent: this, dependsOn: opts?.dependsOn, replaceOnChanges: ["*"] },
    );
    // Beside the container, not after it: a failed health wait fails the container's create, and
    // nothing depending on it would run (health-gate.ts).
    this.healthGate = new HealthGate(
      `${name}-health-gate-${args.releaseKey}`,
      {
        containerName: this.releaseHost,
        containerDigest: containerDigest(args),
        endpoint: args.engine ?? instanceEngine(undefined, new pulumi.Config("docker"), process.env),
        timeoutSeconds: WEB_WAIT_TIMEOUT_SECONDS,
        redact: pulumi.all(args.envs).apply((envs) => secretValues(envs, CREDENTIAL_ENV_NAMES)),
      },
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({ host: this.host, releaseHost: this.releaseHost, port: this.port });
  }
}
