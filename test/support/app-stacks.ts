/**
 * A docker deployment shaped like the components' (image, two databases, a one-shot release
 * container running the release script, a web container gated on it), to judge stack rules.
 */
import { defaultReleaseSteps, type Mode, type ReleaseStep } from "../../components/config";
import { releaseScript } from "../../components/release";
import type { Resource } from "../../policies/pack/rules/rule";
import { DOCKER } from "../../policies/pack/rules/types";
import { SAMPLE_APP } from "./app-images";
import { resource } from "./resources";

export interface StackOptions {
  mode?: Mode;
  steps?: ReleaseStep[];
  /** Replace the release script with this sh -c text. */
  releaseScriptText?: string;
  webDependsOnRelease?: boolean;
  webCommand?: string[];
  envs?: string[];
  release?: boolean;
}

export const URLS = [
  "DATABASE_URL=postgres://app:pw-one@app-db:5432/app?connect_timeout=10",
  "AUDIT_DATABASE_URL=postgres://audit:pw-two@audit-db:5432/audit?connect_timeout=10",
  "DJANGO_SETTINGS_MODULE=config.settings.production",
];

export function dockerStack(options: StackOptions = {}): Resource[] {
  const image = resource(DOCKER.image, "x-image", { imageName: "x-app:1", build: { context: SAMPLE_APP } });
  const wiredImage = { image: [image.urn] };
  const network = resource(DOCKER.network, "x-internal", { name: "x-internal", internal: true });
  const database = (name: string) =>
    resource(
      DOCKER.container,
      name,
      {
        image: "postgres:16.10-bookworm",
        networksAdvanced: [{ name: "x-internal" }],
        healthcheck: { tests: ["CMD-SHELL", "pg_isready"] },
        wait: true,
        envs: [`POSTGRES_PASSWORD=${name}-pw`],
      },
      { propertyDependencies: { networksAdvanced: [network.urn] } },
    );
  const appDb = database("x-app-db-server");
  const auditDb = database("x-audit-db-server");
  const envs = options.envs ?? URLS;
  const script =
    options.releaseScriptText ??
    releaseScript(options.steps ?? defaultReleaseSteps(options.mode ?? "production"));
  const release = resource(
    DOCKER.container,
    "x-release",
    { image: "x-app:1", command: ["sh", "-c", script], attach: true, mustRun: false, envs },
    { dependencies: [image.urn, appDb.urn, auditDb.urn], propertyDependencies: wiredImage },
  );
  const web = resource(
    DOCKER.container,
    "x-web",
    {
      image: "x-app:1",
      command: options.webCommand ?? ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"],
      envs,
      restart: "unless-stopped",
    },
    {
      dependencies: [
        image.urn,
        appDb.urn,
        auditDb.urn,
        ...(options.webDependsOnRelease === false ? [] : [release.urn]),
      ],
      propertyDependencies: wiredImage,
    },
  );
  return [image, network, appDb, auditDb, ...(options.release === false ? [] : [release]), web];
}
