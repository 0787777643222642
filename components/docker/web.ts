/**
 * WebService: gunicorn serving the Django app from the image the release succeeded with.
 *
 * Guarantees: gunicorn started explicitly (not the image's entrypoint), bound to $PORT, with
 * workers, threads, timeouts and stdout/stderr logs set; a non-root user; an HTTP readiness
 * healthcheck (python's urllib: slim images have no curl) and `wait` until healthy; a restart
 * policy; read-only root with tmpfs /tmp, no capabilities, no-new-privileges; CPU and memory
 * limits; rotated logs; a stop timeout longer than gunicorn's graceful timeout; no published
 * ports (the proxy reaches it on the instance network).
 */
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import type { InstanceSettings } from "../config";
import { APP_PORT } from "../environment";
import { gunicornCommand } from "../gunicorn";
import { containerLogging, hardenedRuntime, resourceLimits } from "./hardening";
import { APP_USER } from "./release";

/** Seconds docker waits after SIGTERM beyond gunicorn's graceful timeout before SIGKILL. */
export const STOP_MARGIN_SECONDS = 10;
/** DNS name of the web service on the instance networks. */
export const WEB_HOST = "web";

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

export function webHealthcheck(settings: InstanceSettings): docker.types.input.ContainerHealthcheck {
  return {
    tests: httpProbe(settings.django.readinessPath, settings.domains[0]),
    interval: "15s",
    timeout: "5s",
    retries: 3,
    startPeriod: "30s",
  };
}

export interface WebServiceArgs {
  settings: InstanceSettings;
  /** The image ID gated on the release's success (ReleasePhase.imageId). */
  imageId: pulumi.Input<string>;
  envs: pulumi.Input<string>[];
  /** Internal (database) network first, then the proxy network. */
  networks: pulumi.Input<string>[];
}

export class WebService extends pulumi.ComponentResource {
  readonly container: docker.Container;
  readonly host: string = WEB_HOST;
  readonly port: number = APP_PORT;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("agency-deploy:docker:WebService", name, {}, opts);
    const { settings } = args;
    const stopTimeout = settings.gunicorn.gracefulTimeout + STOP_MARGIN_SECONDS;
    this.container = new docker.Container(
      `${name}-server`,
      {
        image: args.imageId,
        entrypoints: ["/bin/sh", "-c"],
        command: [gunicornCommand(settings)],
        envs: args.envs,
        user: APP_USER,
        networksAdvanced: args.networks.map((network) => ({ name: network, aliases: [WEB_HOST] })),
        healthcheck: webHealthcheck(settings),
        wait: true,
        waitTimeout: 180,
        restart: "unless-stopped",
        ...resourceLimits(settings.resources),
        stopSignal: "SIGTERM",
        stopTimeout,
        destroyGraceSeconds: stopTimeout,
        ...hardenedRuntime(),
        ...containerLogging(),
      },
      // dependsOn does not flow from a component to its children: forward it to the container.
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.registerOutputs({ host: this.host, port: this.port });
  }
}
