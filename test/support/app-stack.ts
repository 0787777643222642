/**
 * Small stacks of resources shaped like what the pack sees in AnalyzeStack: an app Image built from
 * a context, a web container wired to it (propertyDependencies.image), optional databases, proxy
 * and backup. Props follow @pulumi/docker v5 input names. `web` overrides merge into the web props.
 */
import type { Resource } from "../../policies/pack/rules/rule";
import { DOCKER } from "../../policies/pack/rules/types";
import { builtImage } from "./app-images";
import { resource } from "./resources";

export const ROTATED_LOGS = { logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "5" } };

export function postgres(name: string, overrides: Record<string, unknown> = {}, protect = true): Resource {
  return resource(
    DOCKER.container,
    name,
    {
      image: "postgres:16.10-bookworm",
      restart: "unless-stopped",
      healthcheck: { tests: ["CMD-SHELL", "pg_isready -q"], startPeriod: "30s", interval: "10s" },
      volumes: [{ volumeName: `${name}-data`, containerPath: "/var/lib/postgresql/data" }],
      networksAdvanced: [{ name: "internal", aliases: [name] }],
      memory: 512,
      cpus: "1",
      ...ROTATED_LOGS,
      ...overrides,
    },
    { protect },
  );
}

export function volume(name: string, protect = true): Resource {
  return resource(DOCKER.volume, name, { name }, { protect });
}

/** A good web container props over the image's own start command (no command override). */
export function webProps(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    image: "app-image:1",
    envs: [
      "DJANGO_SETTINGS_MODULE=config.settings.production",
      "DATABASE_URL=postgres://app:pw@app-db:5432/app",
      "AUDIT_DATABASE_URL=postgres://audit:pw@audit-db:5432/audit",
      // Generated keys, as the components pass them (values no check calls a placeholder).
      `SECRET_KEY=${"Zq3vR8wT".repeat(6)}`,
      `FIELD_ENCRYPTION_KEY=${"Hn5pK2xY".repeat(5)}=`,
      "LANG=C.UTF-8",
    ],
    restart: "unless-stopped",
    wait: true,
    healthcheck: {
      tests: ["CMD", "python", "-c", "urlopen('http://127.0.0.1:8000/readyz/')"],
      startPeriod: "30s",
    },
    memory: 1024,
    cpus: "1",
    stopTimeout: 40,
    destroyGraceSeconds: 40,
    ...ROTATED_LOGS,
    ...overrides,
  };
}

/** An app Image over `contextDir` and a web container running it. */
export function appStack(contextDir: string, web: Record<string, unknown> = {}): Resource[] {
  const image = builtImage(contextDir);
  const container = resource(DOCKER.container, "web", webProps(web), {
    propertyDependencies: { image: [image.urn] },
  });
  return [image, container];
}
