/**
 * The app's plain (non-secret) environment, the same for every target: what Django needs to start
 * safely in production, so a Docker host and Azure Container Apps run the app under one contract.
 */
import type { InstanceSettings } from "./config";

/** The port gunicorn binds inside the container ($PORT). */
export const APP_PORT = 8000;

/** Non-secret env, in a fixed order. */
export function plainEnvironment(settings: InstanceSettings): Record<string, string> {
  return {
    DJANGO_SETTINGS_MODULE: settings.django.settingsModule,
    DEBUG: "False",
    ALLOWED_HOSTS: settings.domains.join(","),
    CSRF_TRUSTED_ORIGINS: settings.domains.map((domain) => `https://${domain}`).join(","),
    PORT: String(APP_PORT),
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    ...settings.env,
  };
}
