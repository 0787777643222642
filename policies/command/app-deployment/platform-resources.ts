/**
 * A PaaS deployment (Railway, Heroku, Fly.io, Render) as the resources the Docker target would
 * register for it: the image the platform builds, the web process it starts, and its release
 * command as a one-shot job the web process waits for. Every one of these platforms runs the
 * release (pre-deploy) command once per deploy and does not switch traffic to a release whose
 * command failed, which is the Docker target's gated release job; and each restarts a crashed
 * process, which is a restart policy. What the platform sets at deploy time (PORT, the
 * dashboard's variables) is unknown here.
 */
import * as path from "path";
import type { Discovery } from "./discovery";
import type { ComposeResources, SourceMap } from "./compose-resources";
import { registration, TYPES } from "./compose-resources";
import { STACK_TYPE, stackUrn, type Registration, type WireObject } from "../offline/registration";
import type { PlatformFile } from "./platform-files";
import { UNKNOWN, UNSEEN_ENV_LABEL } from "../../protocol";

export function platformResources(found: Discovery, stack = "platform"): ComposeResources | null {
  // app.json alone deploys nothing (its scripts run once, for review apps).
  const platform =
    found.platforms.find((p) => p.start !== undefined || p.release !== undefined) ??
    found.platforms.find((p) => !p.file.endsWith("app.json"));
  if (platform === undefined || found.dockerfile === null) return null;
  const project =
    path
      .basename(found.root)
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, "") || "app";
  const urnOf = (type: string, name: string) => `urn:pulumi:${stack}::${project}::${type}::${name}`;
  const root = stackUrn(project, stack);
  const sourceMap: SourceMap = new Map();
  const file = (f: string) => path.join(found.root, f);
  const registrations: Registration[] = [base(root, STACK_TYPE, `${project}-${stack}`, "", {}, false)];
  const imageUrn = urnOf(TYPES.image, "web");
  const context = path.join(found.root, found.dockerfile.context);
  const dockerfile = path.relative(context, file(found.dockerfile.file));
  registrations.push(
    base(imageUrn, TYPES.image, "web", root, {
      imageName: `${project}-web`,
      build: { context, dockerfile },
      skipPush: true,
    }),
  );
  sourceMap.set(imageUrn, new Map([["", { file: file(found.dockerfile.file), line: 1 }]]));
  const containers = new Map<string, string>();
  // The platform sets PORT, and its database add-on DATABASE_URL, when the deployment runs.
  const env = [`PORT=${UNKNOWN}`, `DATABASE_URL=${UNKNOWN}`];
  let releaseUrn: string | undefined;
  if (platform.release !== undefined) {
    releaseUrn = urnOf(TYPES.container, "release");
    registrations.push({
      ...base(releaseUrn, TYPES.container, "release", root, {
        ...container(project, "release", platform.release.command, env),
        attach: true,
        mustRun: false,
        rm: false,
        logs: true,
        restart: "no",
      }),
      dependencies: [imageUrn],
      propertyDependencies: { image: [imageUrn] },
    });
    locate(sourceMap, releaseUrn, platform, platform.release.line, found.root);
    containers.set("release", releaseUrn);
  }
  const webUrn = urnOf(TYPES.container, "web");
  registrations.push({
    ...base(webUrn, TYPES.container, "web", root, {
      ...container(project, "web", platform.start?.command, env),
      restart: platform.restart ?? "on-failure",
      ...(platform.healthPath !== undefined
        ? {
            // The platform's HTTP probe of the path, written as the command the rules read; the
            // platform switches traffic only once it passes, which is what `wait` says.
            healthcheck: { tests: ["CMD-SHELL", `wget -qO- "http://127.0.0.1:$PORT${platform.healthPath}"`] },
            wait: true,
          }
        : {}),
    }),
    dependencies: [imageUrn, ...(releaseUrn !== undefined ? [releaseUrn] : [])],
    propertyDependencies: { image: [imageUrn] },
  });
  locate(sourceMap, webUrn, platform, platform.start?.line ?? 1, found.root);
  containers.set("web", webUrn);
  return { run: { project, stack, organization: "organization", registrations }, sourceMap, containers };
}

function container(project: string, name: string, command: string | undefined, env: string[]): WireObject {
  return {
    name: `${project}-${name}`,
    image: `${project}-web`,
    envs: env,
    // The dashboard's variables reach every process, and no file here lists them.
    labels: [{ label: UNSEEN_ENV_LABEL, value: "the variables set in the platform's dashboard" }],
    // The platforms run a start or release command through a shell.
    ...(command !== undefined ? { command: ["/bin/sh", "-c", command] } : {}),
  };
}

function locate(map: SourceMap, urn: string, platform: PlatformFile, line: number, root: string): void {
  const loc = { file: path.join(root, platform.file), line };
  map.set(
    urn,
    new Map([
      ["", loc],
      ["command", loc],
    ]),
  );
}

function base(
  urn: string,
  type: string,
  name: string,
  parent: string,
  inputs: WireObject,
  custom = true,
): Registration {
  return registration({ urn, type, name, parent, inputs, custom });
}
