import type { UrlConfigurationFacts } from "../../../../../policies/pack/inspect/facts";
import { routes } from "../../../../../policies/pack/rules/hosting-compatibility/health-paths-routed";

describe("HC-9 health-paths-routed: which probe paths the URL configuration routes", () => {
  const at = { file: "config/urls.py", line: 3 };
  const urls: UrlConfigurationFacts = {
    module: "config.urls",
    file: "config/urls.py",
    dynamic: false,
    routes: [
      { path: "/healthz/", location: at },
      { path: "/api/status/", location: at },
    ],
    middlewarePaths: [{ path: "/livez/", location: at }],
  };

  it("routes the exact path, or the path with or without its trailing slash (APPEND_SLASH redirects)", () => {
    expect(routes(urls, "/healthz/")).toBe(true);
    expect(routes(urls, "/healthz")).toBe(true);
    expect(routes(urls, "/api/status/?full=1")).toBe(true);
  });

  it("counts a path a middleware answers before routing, and nothing else", () => {
    expect(routes(urls, "/livez/")).toBe(true);
    expect(routes(urls, "/missing/")).toBe(false);
  });
});
