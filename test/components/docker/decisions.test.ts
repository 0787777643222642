import { spawnSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { parseInstanceSettings } from "../../../components/config";
import {
  databaseUrl,
  postgresDataPath,
  postgresHealthcheck,
  postgresImage,
  POSTGRES_IMAGE_USER,
  POSTGRES_IMAGES,
} from "../../../components/docker/database";
import { containerEnvironment, credentialEnvironment } from "../../../components/docker/environment";
import { plainEnvironment } from "../../../components/environment";
import { caddyfile, isLocalDomain } from "../../../components/docker/proxy";
import { gunicornCommand } from "../../../components/gunicorn";
import { httpProbe } from "../../../components/docker/web";
import { publicUrl } from "../../../components/docker/instance";

const settings = (extra: Record<string, unknown> = {}) =>
  parseInstanceSettings({
    agency: "riverside",
    domains: ["a.example.org", "b.example.org"],
    image: { ref: "app:1" },
    ...extra,
  });

describe("PostgreSQL decisions", () => {
  it("pins every supported major to an exact tag, 16 by default", () => {
    for (const image of Object.values(POSTGRES_IMAGES)) expect(image).toMatch(/^postgres:\d+\.\d+-[a-z]+$/);
    expect(postgresImage(settings().postgres.version)).toBe("postgres:16.10-bookworm");
    expect(() => postgresImage(12)).toThrow(/no pinned PostgreSQL image/);
  });
  it("mounts the volume where each major keeps its data", () => {
    expect(postgresDataPath(16)).toBe("/var/lib/postgresql/data");
    expect(postgresDataPath(18)).toBe("/var/lib/postgresql");
  });
  it("runs the images as their own postgres user (uid and gid 999 in the Debian-based images)", () => {
    expect(POSTGRES_IMAGE_USER).toBe("999:999");
    for (const image of Object.values(POSTGRES_IMAGES)) expect(image).toMatch(/-(bookworm|trixie)$/);
  });
  it("is healthy only once the server listens on TCP, not during initdb's socket-only start", () => {
    expect(postgresHealthcheck().tests).toEqual([
      "CMD-SHELL",
      'pg_isready -q -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"',
    ]);
  });
  it("URL-encodes credentials and sets a connect timeout", () => {
    const url = databaseUrl({ host: "app-db", port: 5432, database: "app", user: "app" }, "p@ss/w:rd");
    expect(url).toBe("postgres://app:p%40ss%2Fw%3Ard@app-db:5432/app?connect_timeout=10");
  });
});

describe("app environment", () => {
  it("sets Django's production settings, https origins for every domain and a UTF-8 locale", () => {
    const hosts = ["a.example.org", "b.example.org"];
    expect(plainEnvironment(settings({ env: { SENTRY_ENVIRONMENT: "prod" } }), hosts)).toEqual({
      DJANGO_SETTINGS_MODULE: "config.settings.production",
      DEBUG: "False",
      ALLOWED_HOSTS: "a.example.org,b.example.org",
      CSRF_TRUSTED_ORIGINS: "https://a.example.org,https://b.example.org",
      PORT: "8000",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      SENTRY_ENVIRONMENT: "prod",
    });
  });
  it("joins fallback keys with commas, current keys kept apart", () => {
    const env = credentialEnvironment({
      databaseUrl: "d",
      auditDatabaseUrl: "a",
      secretKey: "new",
      secretKeyFallbacks: ["old"],
      fieldEncryptionKey: "f2",
      fieldEncryptionKeyFallbacks: ["f1"],
    });
    expect(env).toMatchObject({
      SECRET_KEY: "new",
      SECRET_KEY_FALLBACKS: "old",
      FIELD_ENCRYPTION_KEY_FALLBACKS: "f1",
    });
  });
  it("makes each credential entry a secret and leaves settings plain", async () => {
    await pulumi.runtime.setMocks({
      newResource: (a) => ({ id: a.name, state: a.inputs }),
      call: (a) => a.inputs,
    });
    const entries = containerEnvironment(settings(), ["a.example.org"], {
      databaseUrl: "postgres://x",
      auditDatabaseUrl: "postgres://y",
      secretKey: "k",
      secretKeyFallbacks: [],
      fieldEncryptionKey: "f",
      fieldEncryptionKeyFallbacks: [],
    });
    const plain = entries.filter((e): e is string => typeof e === "string");
    expect(plain).toContain("DEBUG=False");
    const secret = entries.filter((e) => typeof e !== "string") as pulumi.Output<string>[];
    expect(secret).toHaveLength(6);
    for (const entry of secret) expect(await pulumi.isSecret(entry)).toBe(true);
  });
});

describe("gunicorn and probes", () => {
  it("binds $PORT with explicit tuning and logs to stdout/stderr", () => {
    expect(gunicornCommand(settings({ gunicorn: { workers: 3 } }))).toBe(
      'exec gunicorn --bind "0.0.0.0:${PORT}" --workers 3 --threads 4 --timeout 60 --graceful-timeout 30 ' +
        "--access-logfile - --error-logfile - --no-control-socket config.wsgi:application",
    );
  });
  it("probes over HTTP with python, as the public host behind the TLS proxy", () => {
    const [cmd, python, flag, code] = httpProbe("/readyz/", "a.example.org");
    expect([cmd, python, flag]).toEqual(["CMD", "python", "-c"]);
    const compiled = spawnSync("python3", ["-c", `compile(${JSON.stringify(code)}, "probe", "exec")`]);
    expect(compiled.status).toBe(0);
    expect(code).toContain('"X-Forwarded-Proto": "https"');
  });
});

describe("Caddyfile", () => {
  it("serves public domains with ACME, HSTS and secure headers", () => {
    const text = caddyfile({
      domains: ["a.example.org", "b.example.org"],
      upstream: "web:8000",
      email: "ops@example.org",
    });
    expect(text).toContain("\temail ops@example.org");
    expect(text).toContain("a.example.org, b.example.org {");
    expect(text).toContain('Strict-Transport-Security "max-age=31536000; includeSubDomains"');
    expect(text).toContain('X-Content-Type-Options "nosniff"');
    expect(text).toContain("reverse_proxy web:8000");
    expect(text).not.toContain("tls internal");
  });
  it("uses the internal CA for localhost-style names", () => {
    expect(isLocalDomain("localhost")).toBe(true);
    expect(isLocalDomain("app.localhost")).toBe(true);
    expect(isLocalDomain("example.org")).toBe(false);
    expect(caddyfile({ domains: ["localhost"], upstream: "web:8000" })).toMatch(
      /localhost \{\n\ttls internal\n/,
    );
  });
});

describe("publicUrl", () => {
  it("omits the default https port and keeps a custom one", () => {
    expect(publicUrl(settings(), ["a.example.org"])).toBe("https://a.example.org");
    expect(publicUrl(settings({ docker: { httpsPort: 8443 } }), ["a.example.org"])).toBe(
      "https://a.example.org:8443",
    );
  });
});
