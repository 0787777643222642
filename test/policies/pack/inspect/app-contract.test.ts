/**
 * What the app offers the deployment: its management commands and the paths its URL
 * configuration routes (includes followed with their prefix, middleware-answered probes).
 */
import { readManagementCommands, readUrlConfiguration } from "../../../../policies/pack/inspect/app-contract";
import type { ContextFiles } from "../../../../policies/pack/inspect/context-files";

function files(contents: Record<string, string>): ContextFiles {
  return { list: () => Object.keys(contents), read: (f) => contents[f] ?? null, truncated: false };
}

describe("management commands", () => {
  it("lists <app>/management/commands/<name>.py, not __init__ or vendored copies", () => {
    const commands = readManagementCommands(
      files({
        "apps/audit/management/commands/__init__.py": "",
        "apps/audit/management/commands/lockdown_audit_db.py": "",
        "src/core/management/commands/seed.py": "",
        ".venv/lib/site-packages/x/management/commands/other.py": "",
      }),
    );
    expect(commands).toEqual([
      { command: "lockdown_audit_db", file: "apps/audit/management/commands/lockdown_audit_db.py" },
      { command: "seed", file: "src/core/management/commands/seed.py" },
    ]);
  });
});

describe("URL configuration", () => {
  const app = files({
    "config/urls.py": [
      "from django.urls import include, path, re_path",
      "urlpatterns = [",
      '    path("healthz/", views.healthz),',
      '    re_path(r"^readyz/$", views.readyz),',
      '    path("api/", include("api.urls")),',
      '    path("admin/", admin.site.urls),',
      "]",
    ].join("\n"),
    "api/urls.py": 'urlpatterns = [path("status/", status)]\n',
    "config/middleware.py": 'PROBES = ("/livez/",)\nclass Probe:\n    pass\n',
  });

  it("routes literal paths, regex paths without regex syntax, and included ones under their prefix", () => {
    const urls = readUrlConfiguration(app, "config.urls", [""], ["config.middleware.Probe"]);
    expect(urls.routes.map((r) => r.path)).toEqual(["/healthz/", "/readyz/", "/api/status/", "/admin/"]);
    expect(urls.routes[0].location).toEqual({ file: "config/urls.py", line: 3 });
    expect(urls.middlewarePaths.map((m) => m.path)).toEqual(["/livez/"]);
    expect(urls.dynamic).toBe(false);
  });

  it("says the configuration is dynamic when ROOT_URLCONF is not in the context", () => {
    const urls = readUrlConfiguration(app, "elsewhere.urls", [""], []);
    expect(urls).toMatchObject({ file: null, dynamic: true, routes: [] });
  });
});
