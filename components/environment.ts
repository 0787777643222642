/**
 * The app's plain (non-secret) environment, the same for every target: what Django needs to start
 * safely in production, so a Docker host and Azure Container Apps run the app under one contract.
 */
import * as pulumi from "@pulumi/pulumi";
import type { InstanceSettings } from "./config";

/** The port gunicorn binds inside the container ($PORT). */
export const APP_PORT = 8000;

/** Non-secret env, in a fixed order; `hosts` are the instance's public hostnames. */
export function plainEnvironment(
  settings: InstanceSettings,
  hosts: readonly string[],
): Record<string, string> {
  return {
    DJANGO_SETTINGS_MODULE: settings.django.settingsModule,
    DEBUG: "False",
    ALLOWED_HOSTS: hosts.join(","),
    CSRF_TRUSTED_ORIGINS: hosts.map((host) => `https://${host}`).join(","),
    PORT: String(APP_PORT),
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    ...settings.env,
  };
}

/** The plain entries that name the instance's public hosts. */
const HOST_ENV = new Set(["ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"]);

/**
 * The plain env as `[name, value]` entries, each value its own Input: the entries naming hosts
 * follow `hosts`, so a host unknown during preview (an Output domain, Azure's own host name)
 * leaves every other entry known, for the pack to judge.
 */
export function plainEnvironmentEntries(
  settings: InstanceSettings,
  hosts: pulumi.Input<readonly string[]>,
): [string, pulumi.Input<string>][] {
  if (Array.isArray(hosts)) return Object.entries(plainEnvironment(settings, hosts));
  const withHosts = pulumi.output(hosts).apply((known) => plainEnvironment(settings, known));
  return Object.entries(plainEnvironment(settings, [])).map(([name, value]) => [
    name,
    HOST_ENV.has(name) ? withHosts.apply((env) => env[name]) : value,
  ]);
}
