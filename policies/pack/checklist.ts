/**
 * The deployment-reliability checklist: one entry per item of CHECKLIST.md, each of
 * which becomes exactly one policy. Policy names are public (pack config, CI logs,
 * SARIF rule ids) and must stay stable.
 */

export type Severity = "critical" | "high" | "medium" | "low";

export type CategorySlug =
  | "container-security"
  | "startup-reliability"
  | "database-safety"
  | "configuration-hygiene"
  | "static-files"
  | "recovery"
  | "hosting-compatibility";

export interface Category {
  slug: CategorySlug;
  title: string;
}

/** In report order. */
export const CATEGORIES: readonly Category[] = [
  { slug: "container-security", title: "Container Security" },
  { slug: "startup-reliability", title: "Startup Reliability" },
  { slug: "database-safety", title: "Database Safety" },
  { slug: "configuration-hygiene", title: "Configuration Hygiene" },
  { slug: "static-files", title: "Static Files" },
  { slug: "recovery", title: "Recovery" },
  { slug: "hosting-compatibility", title: "Hosting Compatibility" },
];

export interface ChecklistItem {
  /** Checklist id, e.g. "CS-1". */
  id: string;
  /** Stable kebab-case policy name. */
  policy: string;
  category: CategorySlug;
  severity: Severity;
  /** Short title for the report's findings. */
  title: string;
  /** One line: what the policy requires. */
  description: string;
  /** What breaks when it fails. */
  impact: string;
  /** How to fix it. */
  fix: string;
  /** A command or check a person can run to verify the fix. */
  verify: string;
}

export const CHECKLIST: readonly ChecklistItem[] = [
  // 1. Container Security
  {
    id: "CS-1",
    policy: "non-root-user",
    category: "container-security",
    severity: "high",
    title: "Container runs as root",
    description: "The final stage's last USER is not root, and no container overrides the user to root.",
    impact: "A compromised app process owns the whole container and anything mounted into it.",
    fix: "Create an unprivileged user in the final stage (`RUN useradd --uid 10001 app`) and end with `USER 10001`; do not override `user` to root on the container.",
    verify: "docker run --rm <image> id -u   # prints a non-zero uid",
  },
  {
    id: "CS-2",
    policy: "no-secrets-in-image",
    category: "container-security",
    severity: "critical",
    title: "Secret baked into the image",
    description: "No secret in ENV/ARG literals, no COPY/ADD of .env files or keys, no secret build args.",
    impact:
      "Anyone who can pull the image (or read its history) has the secret; rotating it needs a rebuild.",
    fix: "Remove secret values from the Dockerfile and build args; supply them at run time as Pulumi secrets.",
    verify: "docker history --no-trunc <image> | grep -iE 'secret|password|token'   # prints nothing",
  },
  {
    id: "CS-3",
    policy: "pinned-supported-base-image",
    category: "container-security",
    severity: "medium",
    title: "Base image unpinned or past end of life",
    description:
      "Base images are pinned (a tag, not latest; a digest is better) and their runtime is supported.",
    impact: "Builds change under you, and an end-of-life runtime stops receiving security fixes.",
    fix: "Pin a supported version, e.g. `FROM python:3.12.8-slim-bookworm` (or `@sha256:...`), and bump it on a schedule.",
    verify: "grep -n '^FROM' Dockerfile   # every image has an explicit, supported version",
  },
  {
    id: "CS-4",
    policy: "minimal-image-packages",
    category: "container-security",
    severity: "low",
    title: "Unnecessary packages in the image",
    description:
      "apt uses --no-install-recommends and cleans lists; no compilers or test tools in the final stage.",
    impact: "A larger attack surface and image, and more CVEs to patch.",
    fix: "Build wheels in a builder stage; in the final stage install with `--no-install-recommends` and `rm -rf /var/lib/apt/lists/*`; keep pytest & co. in requirements-dev.txt.",
    verify: "docker run --rm <image> sh -c 'command -v gcc; pip show pytest'   # prints nothing",
  },
  {
    id: "CS-5",
    policy: "dockerignore-excludes-sensitive-files",
    category: "container-security",
    severity: "high",
    title: ".dockerignore missing or incomplete",
    description: ".dockerignore exists and keeps .env*, .git and virtualenvs out of the build context.",
    impact: "Local secrets and history are sent to the builder and can end up in the image.",
    fix: "Add a .dockerignore with at least `.env*`, `.git`, `venv/`, `.venv/`, `*.pem`.",
    verify:
      "docker build --no-cache --progress=plain . 2>&1 | grep 'transferring context'   # small, no .env",
  },
  {
    id: "CS-6",
    policy: "copy-excludes-dev-files",
    category: "container-security",
    severity: "low",
    title: "COPY brings development files into the image",
    description: "`COPY . .` does not bring tests, docs or local tooling into the image.",
    impact: "Larger images, and test settings or fixtures shipped to production.",
    fix: "Exclude tests/, docs/, .github/ and tooling in .dockerignore, or COPY only the application packages.",
    verify: "docker run --rm <image> ls   # no tests/ or docs/",
  },
  {
    id: "CS-7",
    policy: "runtime-hardening",
    category: "container-security",
    severity: "medium",
    title: "Container runtime not hardened",
    description:
      "Read-only root filesystem, all capabilities dropped, no-new-privileges, not privileged, no Docker socket or host network.",
    impact: "An exploited process can modify the container, escalate privileges or take over the host.",
    fix: 'Set `readOnly: true` with a tmpfs for /tmp, `capabilities.drops: ["ALL"]`, `securityOpts: ["no-new-privileges:true"]`; never mount /var/run/docker.sock.',
    verify: "docker inspect <container> --format '{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}'",
  },
  // 2. Startup Reliability
  {
    id: "SR-1",
    policy: "migrations-before-serving",
    category: "startup-reliability",
    severity: "high",
    title: "Migrations do not run before the app serves",
    description:
      "A release job runs migrations and the web service depends on its success (or the entrypoint migrates before the server).",
    impact: "The new code serves requests against an old schema: 500 errors until someone migrates by hand.",
    fix: "Run `manage.py migrate` in the release phase and make the web service depend on it.",
    verify:
      "pulumi preview --policy-pack policies   # the web service lists the release job among its dependencies",
  },
  {
    id: "SR-2",
    policy: "migration-failure-blocks-release",
    category: "startup-reliability",
    severity: "high",
    title: "A failed migration does not stop the release",
    description: "The migration step aborts on failure (errexit, no `|| true`).",
    impact: "Half-migrated databases with new code running on them: data corruption and crashes.",
    fix: "Use `set -eu` in scripts, make migrate an `abort` release step, never append `|| true`.",
    verify: "Run the release against a database with a broken migration: the deployment must fail.",
  },
  {
    id: "SR-3",
    policy: "audit-database-migrated",
    category: "startup-reliability",
    severity: "high",
    title: "Audit database not migrated",
    description: "The audit database is migrated as its own step (`migrate --database=audit`).",
    impact: "Audit writes fail at run time (missing tables) and the audit trail is lost.",
    fix: "Add a release step `python manage.py migrate --database=audit --noinput` after the app migration.",
    verify: "docker logs <release container> | grep 'migrate --database=audit'",
  },
  {
    id: "SR-4",
    policy: "seed-failure-warns",
    category: "startup-reliability",
    severity: "medium",
    title: "Seed failure is silent or blocking",
    description: "A failed seed warns loudly but does not block the release.",
    impact: "Either the instance never starts over optional data, or missing data goes unnoticed.",
    fix: "Run seeds as a `warn` release step that prints a WARNING with the failing command.",
    verify: "docker logs <release container> 2>&1 | grep WARNING   # after a failing seed",
  },
  {
    id: "SR-5",
    policy: "security-check-blocks-production",
    category: "startup-reliability",
    severity: "high",
    title: "Security check does not block production",
    description:
      "The security check (`startup_check`, `check --deploy`) aborts the release in production mode.",
    impact: "An insecure configuration (DEBUG, missing keys) goes live unnoticed.",
    fix: "Make the security-check release step `abort` in production.",
    verify: "python manage.py startup_check; echo $?   # non-zero on a misconfiguration",
  },
  {
    id: "SR-6",
    policy: "security-check-warns-in-demo",
    category: "startup-reliability",
    severity: "low",
    title: "Security check blocks demo instances",
    description: "In demo mode the security check runs but only warns.",
    impact: "Demo instances fail to start over warnings that only matter in production.",
    fix: "Make the security-check step `warn` in demo mode (the default release steps do).",
    verify: "agency-deploy check --mode demo   # SR-6 passes",
  },
  {
    id: "SR-7",
    policy: "startup-self-contained",
    category: "startup-reliability",
    severity: "medium",
    title: "Start-up depends on outside services",
    description:
      "No pip install, downloads or git at start; database readiness is awaited through healthchecks.",
    impact: "The app cannot restart while PyPI, GitHub or the network is down.",
    fix: "Install everything at build time; gate start-up on database healthchecks, not on sleep loops or downloads.",
    verify: "grep -nE 'pip install|curl|wget|git ' entrypoint.sh   # prints nothing",
  },
  {
    id: "SR-8",
    policy: "single-migration-runner",
    category: "startup-reliability",
    severity: "high",
    title: "Every replica runs migrations",
    description: "Exactly one runner applies migrations; replicated web services do not migrate at start.",
    impact: "Concurrent migrations race: deadlocks, duplicate columns, half-applied schema.",
    fix: "Move migrations out of the entrypoint into the single release job.",
    verify: "Only the release job's command contains `migrate`.",
  },
  // 3. Database Safety
  {
    id: "DB-1",
    policy: "database-url-required-secret",
    category: "database-safety",
    severity: "high",
    title: "DATABASE_URL optional or not secret",
    description: "DATABASE_URL is required (no fallback default) and supplied as a secret.",
    impact:
      "A missing variable silently connects to a default database, or the password leaks into state and logs.",
    fix: 'Read it with `require_env("DATABASE_URL")` and supply it from a Pulumi secret.',
    verify: "env -u DATABASE_URL python manage.py check   # fails naming DATABASE_URL",
  },
  {
    id: "DB-2",
    policy: "audit-database-url-required-secret",
    category: "database-safety",
    severity: "high",
    title: "AUDIT_DATABASE_URL optional or not secret",
    description: "AUDIT_DATABASE_URL is required (no fallback default) and supplied as a secret.",
    impact: "Audit records go to the wrong database or nowhere, and the password can leak.",
    fix: 'Read it with `require_env("AUDIT_DATABASE_URL")` and supply it from a Pulumi secret.',
    verify: "env -u AUDIT_DATABASE_URL python manage.py check   # fails naming AUDIT_DATABASE_URL",
  },
  {
    id: "DB-3",
    policy: "database-connection-timeouts",
    category: "database-safety",
    severity: "medium",
    title: "No database connection timeouts",
    description: "Connections set connect_timeout (and a statement timeout where configured).",
    impact: "A stalled database hangs every worker until the whole site stops answering.",
    fix: 'Add `?connect_timeout=10` to the URLs or `OPTIONS: {"connect_timeout": 10}` in DATABASES.',
    verify:
      'python manage.py shell -c "from django.db import connection; print(connection.get_connection_params())"',
  },
  {
    id: "DB-4",
    policy: "audit-database-router",
    category: "database-safety",
    severity: "medium",
    title: "Audit models not routed to the audit database",
    description: "A database router sends audit models to the audit database.",
    impact: "Audit rows land in the app database where the app can alter them.",
    fix: "Add a router whose db_for_read/db_for_write/allow_migrate send the audit app to `audit`, listed in DATABASE_ROUTERS.",
    verify: "python manage.py migrate --database=audit --plan   # lists only audit migrations",
  },
  {
    id: "DB-5",
    policy: "backup-before-migrate",
    category: "database-safety",
    severity: "medium",
    title: "No backup before migrations",
    description: "A backup step runs before migrate in the release (or a scripted, documented one exists).",
    impact: "A destructive migration cannot be undone: the data is gone.",
    fix: "Enable `agency-deploy:backup.beforeRelease` so the release dumps both databases before migrating.",
    verify: "docker logs <release container> | head   # the backup step runs first",
  },
  {
    id: "DB-6",
    policy: "databases-not-exposed",
    category: "database-safety",
    severity: "high",
    title: "Database reachable from outside",
    description:
      "No published database ports, internal networks only; on Azure public access off or firewalled, TLS required.",
    impact: "The database is open to the internet: brute force, data theft.",
    fix: "Remove published ports and use an internal network; on Azure disable public access or limit the firewall, set require_secure_transport=ON.",
    verify: "docker port <db container>   # prints nothing",
  },
  {
    id: "DB-7",
    policy: "separate-audit-credentials",
    category: "database-safety",
    severity: "medium",
    title: "Audit database shares credentials or is not locked down",
    description: "App and audit databases use separate credentials and the audit lockdown step runs.",
    impact: "A compromised app can rewrite or erase the audit trail.",
    fix: "Give each database its own generated password and run `manage.py lockdown_audit_db` in the release.",
    verify: "psql $AUDIT_DATABASE_URL -c 'DELETE FROM audit_auditevent'   # permission denied",
  },
  {
    id: "DB-8",
    policy: "supported-postgres-version",
    category: "database-safety",
    severity: "medium",
    title: "PostgreSQL version unsupported",
    description: "PostgreSQL is a supported major (16 or newer for new instances).",
    impact: "No security fixes after end of life; upgrades get harder the longer they wait.",
    fix: "Set `agency-deploy:postgres.version` to 16 or newer (plan a dump/restore upgrade for existing data).",
    verify: "psql $DATABASE_URL -c 'show server_version'",
  },
  // 4. Configuration Hygiene
  {
    id: "CH-1",
    policy: "required-settings-fail-loudly",
    category: "configuration-hygiene",
    severity: "medium",
    title: "Required settings do not fail loudly",
    description:
      "Required settings are read with a require helper or os.environ[...], not .get with a default.",
    impact: "A missing variable starts the app with a wrong value instead of a clear error.",
    fix: 'Use `require_env("NAME")` (raise ImproperlyConfigured naming the variable) for every required setting.',
    verify: "env -u SECRET_KEY python manage.py check   # fails naming SECRET_KEY",
  },
  {
    id: "CH-2",
    policy: "optional-settings-safe-defaults",
    category: "configuration-hygiene",
    severity: "low",
    title: "Optional setting has an unsafe default",
    description: "Optional settings default to the safe value.",
    impact: "Forgetting a variable silently weakens the deployment.",
    fix: "Default every optional security-relevant setting to its safe value (e.g. SECURE_SSL_REDIRECT=True).",
    verify: "python manage.py check --deploy   # no warnings with only required variables set",
  },
  {
    id: "CH-3",
    policy: "no-default-secret-keys",
    category: "configuration-hygiene",
    severity: "critical",
    title: "Default SECRET_KEY or FIELD_ENCRYPTION_KEY",
    description:
      "No default SECRET_KEY or FIELD_ENCRYPTION_KEY in runtime settings; deployed values come from secrets.",
    impact: "Anyone with the source can forge sessions and decrypt encrypted fields.",
    fix: "Remove the defaults and read both with `require_env`; the deployment generates them as Pulumi secrets.",
    verify: "grep -rn 'SECRET_KEY *=' config/settings   # only require_env(...) reads",
  },
  {
    id: "CH-4",
    policy: "debug-off",
    category: "configuration-hygiene",
    severity: "high",
    title: "DEBUG on or defaulting to True",
    description: "DEBUG defaults to False in code and is not enabled in production.",
    impact: "Stack traces with settings and SQL are shown to every visitor.",
    fix: "Default DEBUG to False and never set DEBUG=True in a production deployment.",
    verify: "python manage.py diffsettings | grep DEBUG   # DEBUG = False",
  },
  {
    id: "CH-5",
    policy: "allowed-hosts-restricted",
    category: "configuration-hygiene",
    severity: "high",
    title: "ALLOWED_HOSTS allows any host",
    description: "ALLOWED_HOSTS is not '*' in production (build-only settings are exempt).",
    impact: "Host-header attacks: poisoned password-reset links and cache poisoning.",
    fix: "Set ALLOWED_HOSTS from the instance's domains (the deployment passes them).",
    verify: "curl -H 'Host: evil.example' https://<domain>/   # 400 Bad Request",
  },
  {
    id: "CH-6",
    policy: "csrf-trusted-origins-https",
    category: "configuration-hygiene",
    severity: "medium",
    title: "CSRF_TRUSTED_ORIGINS incomplete",
    description: "CSRF_TRUSTED_ORIGINS lists every public origin with its https:// scheme.",
    impact: "Every form POST behind the TLS proxy fails with 403 CSRF verification failed.",
    fix: "Pass `https://<domain>` for every domain in CSRF_TRUSTED_ORIGINS.",
    verify: "Log in through the public URL: no 403.",
  },
  {
    id: "CH-7",
    policy: "https-settings",
    category: "configuration-hygiene",
    severity: "medium",
    title: "HTTPS settings missing",
    description:
      "SSL redirect or proxy-terminated TLS with SECURE_PROXY_SSL_HEADER, HSTS, secure session and CSRF cookies.",
    impact: "Cookies travel in clear text and browsers can be downgraded to HTTP.",
    fix: "Set SECURE_PROXY_SSL_HEADER, SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE.",
    verify: "python manage.py check --deploy",
  },
  {
    id: "CH-8",
    policy: "settings-module-exists",
    category: "configuration-hygiene",
    severity: "high",
    title: "Settings module does not exist",
    description:
      "DJANGO_SETTINGS_MODULE and every --settings= in the Dockerfile name a module in the context.",
    impact: "The build or the start fails with ModuleNotFoundError.",
    fix: "Point DJANGO_SETTINGS_MODULE and --settings= at an existing module (e.g. config.settings.production).",
    verify: "python -c 'import importlib; importlib.import_module(\"<module>\")'",
  },
  // 5. Static Files
  {
    id: "SF-1",
    policy: "collectstatic-at-build",
    category: "static-files",
    severity: "medium",
    title: "collectstatic runs at start",
    description: "collectstatic runs at build time, not at start.",
    impact: "Slow starts, and a read-only filesystem makes start-up fail.",
    fix: "Run `python manage.py collectstatic --noinput --settings=<build settings>` in the Dockerfile.",
    verify: "docker run --rm <image> ls staticfiles   # populated",
  },
  {
    id: "SF-2",
    policy: "compressed-static-files",
    category: "static-files",
    severity: "medium",
    title: "Static files not served compressed and hashed",
    description: "WhiteNoise serves compressed, hashed static files (or a proxy serves them).",
    impact: "Slow pages and stale assets after a release.",
    fix: 'Add WhiteNoiseMiddleware and `STORAGES["staticfiles"]` = CompressedManifestStaticFilesStorage.',
    verify: "curl -sI -H 'Accept-Encoding: gzip' https://<domain>/static/<file>   # Content-Encoding: gzip",
  },
  {
    id: "SF-3",
    policy: "build-settings-standalone",
    category: "static-files",
    severity: "medium",
    title: "Build settings need a database or secrets",
    description: "The settings used by collectstatic work without a database or real secrets.",
    impact: "The image build fails, or real secrets get baked in to make it pass.",
    fix: "Use a build-only settings module with placeholder values and no database access.",
    verify: "docker build .   # succeeds with no secrets or database available",
  },
  // 6. Recovery
  {
    id: "RC-1",
    policy: "app-database-outage-recovery",
    category: "recovery",
    severity: "high",
    title: "App does not recover from a database outage",
    description:
      "Restart policy, database healthcheck and CONN_HEALTH_CHECKS let the app recover from a database outage.",
    impact: "After a database restart the app keeps failing until someone restarts it.",
    fix: "Set a restart policy, a pg_isready healthcheck on the database and CONN_HEALTH_CHECKS = True.",
    verify: "docker restart <db container>; curl -f https://<domain>/readyz/   # recovers within a minute",
  },
  {
    id: "RC-2",
    policy: "audit-database-outage-recovery",
    category: "recovery",
    severity: "high",
    title: "App does not recover from an audit database outage",
    description: "Likewise for the audit database.",
    impact: "Audited actions fail until someone restarts the app.",
    fix: "Give the audit database a restart policy and pg_isready healthcheck; CONN_HEALTH_CHECKS covers both aliases.",
    verify: "docker restart <audit db container>; curl -f https://<domain>/readyz/",
  },
  {
    id: "RC-3",
    policy: "idempotent-seeds",
    category: "recovery",
    severity: "low",
    title: "Seed commands are not idempotent",
    description: "Seeds use get_or_create / update_or_create, with no guards that skip silently.",
    impact: "Re-running a release duplicates data or silently skips needed rows.",
    fix: "Rewrite seeds with update_or_create keyed on a natural key; log what was created.",
    verify: "python manage.py seed && python manage.py seed   # second run changes nothing",
  },
  {
    id: "RC-4",
    policy: "ordered-release",
    category: "recovery",
    severity: "medium",
    title: "Seeds can race migrations",
    description: "Seeds run after migrations, in one ordered release.",
    impact: "Seeds hit missing tables on a fresh instance: partial data.",
    fix: "Run migrate, audit migrate, then seed, in that order, in one release job.",
    verify: "docker logs <release container>   # migrate lines come before seed lines",
  },
  {
    id: "RC-5",
    policy: "scheduled-backups",
    category: "recovery",
    severity: "high",
    title: "Databases not backed up on a schedule",
    description:
      "Both databases are backed up on a schedule with retention (Azure: >= 7 days, >= 14 in production) and restore has a command.",
    impact: "A host failure or bad release loses all data since the last manual copy.",
    fix: "Keep `agency-deploy:backup.enabled` on (Docker) or set backupRetentionDays >= 14 (Azure).",
    verify: "pulumi stack output runbook   # shows the backup and restore commands",
  },
  {
    id: "RC-6",
    policy: "data-survives-destroy",
    category: "recovery",
    severity: "high",
    title: "Data does not survive destroy or replacement",
    description: "Database volumes and servers are protected (or retained on delete).",
    impact: "`pulumi destroy` or a replacement deletes the database for good.",
    fix: "Keep `agency-deploy:protectData` true (the default); opt out only for throw-away instances.",
    verify: "pulumi destroy --preview-only   # refuses: protected resources",
  },
  {
    id: "RC-7",
    policy: "graceful-shutdown",
    category: "recovery",
    severity: "low",
    title: "Stop timeout shorter than graceful shutdown",
    description: "The container stop timeout covers the server's graceful timeout.",
    impact: "In-flight requests are killed mid-write on every release.",
    fix: "Set the stop timeout above gunicorn's --graceful-timeout.",
    verify: "docker inspect <container> --format '{{.Config.StopTimeout}}'",
  },
  // 7. Hosting Compatibility
  {
    id: "HC-1",
    policy: "port-respected",
    category: "hosting-compatibility",
    severity: "medium",
    title: "PORT not respected",
    description: "The server binds $PORT, not a hard-coded port.",
    impact: "Platforms that assign a port (Railway, Container Apps) see a dead app.",
    fix: "Bind gunicorn to `0.0.0.0:${PORT}`.",
    verify: "docker run -e PORT=9000 <image>   # listens on 9000",
  },
  {
    id: "HC-2",
    policy: "health-checks",
    category: "hosting-compatibility",
    severity: "high",
    title: "Health checks missing",
    description:
      "The web service has liveness and readiness checks on an HTTP endpoint; each database has pg_isready with a start period.",
    impact: "Broken instances keep receiving traffic and nothing restarts them.",
    fix: "Add HTTP healthchecks on /healthz/ and /readyz/ and pg_isready healthchecks with a start period.",
    verify: "docker inspect <container> --format '{{.State.Health.Status}}'   # healthy",
  },
  {
    id: "HC-3",
    policy: "logs-to-stdout",
    category: "hosting-compatibility",
    severity: "medium",
    title: "Logs not on stdout/stderr or not rotated",
    description:
      "Logs go to stdout/stderr (gunicorn logs to `-`, no file handlers) and container logs are rotated.",
    impact: "Logs are invisible to the platform and fill the disk.",
    fix: "Use StreamHandler logging, `--access-logfile - --error-logfile -`, and json-file log rotation.",
    verify: "docker logs <container>   # shows requests",
  },
  {
    id: "HC-4",
    policy: "railway-watch-patterns",
    category: "hosting-compatibility",
    severity: "low",
    title: "railway.json watchPatterns incomplete",
    description: "railway.json watchPatterns cover every deployment file (only when railway.json exists).",
    impact: "Changing the entrypoint or Dockerfile does not redeploy.",
    fix: "Add the Dockerfile, entrypoint and requirements files to watchPatterns.",
    verify: "cat railway.json",
  },
  {
    id: "HC-5",
    policy: "only-proxy-published",
    category: "hosting-compatibility",
    severity: "medium",
    title: "Ports published beyond the proxy",
    description: "Only the proxy's 80/443 are published; app and databases stay internal.",
    impact: "Traffic bypasses TLS and security headers, straight to gunicorn.",
    fix: "Remove published ports from the app and databases; publish only the proxy's 80 and 443.",
    verify: "docker ps --format '{{.Names}} {{.Ports}}'   # only the proxy has ports",
  },
  {
    id: "HC-6",
    policy: "app-server-tuned",
    category: "hosting-compatibility",
    severity: "low",
    title: "App server not tuned",
    description: "Workers, threads and timeout are set explicitly, with timeout >= 60 s.",
    impact: "Defaults time out long requests (exports, reports) and under-use the CPU.",
    fix: "Pass `--workers`, `--threads` and `--timeout 60` (or more) to gunicorn.",
    verify: "docker inspect <container> --format '{{.Config.Cmd}}'",
  },
  {
    id: "HC-7",
    policy: "utf8-locale",
    category: "hosting-compatibility",
    severity: "low",
    title: "Container locale is not UTF-8",
    description: "The container locale is UTF-8.",
    impact: "Translations and non-ASCII data break (UnicodeDecodeError, mojibake).",
    fix: "Set `ENV LANG=C.UTF-8 LC_ALL=C.UTF-8` in the image or the container env.",
    verify:
      "docker run --rm <image> python -c 'import locale; print(locale.getpreferredencoding())'   # UTF-8",
  },
  {
    id: "HC-8",
    policy: "resource-limits",
    category: "hosting-compatibility",
    severity: "low",
    title: "No CPU or memory limits",
    description: "CPU and memory limits are set.",
    impact: "One runaway process starves the databases and the host.",
    fix: "Set `agency-deploy:resources.cpu` and `agency-deploy:resources.memoryMb`.",
    verify: "docker inspect <container> --format '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}'",
  },
];

const byId = new Map(CHECKLIST.map((item) => [item.id, item]));
const byPolicy = new Map(CHECKLIST.map((item) => [item.policy, item]));

export function itemById(id: string): ChecklistItem | undefined {
  return byId.get(id);
}

export function itemByPolicy(name: string): ChecklistItem | undefined {
  return byPolicy.get(name);
}

export function categoryTitle(slug: CategorySlug): string {
  return CATEGORIES.find((c) => c.slug === slug)?.title ?? slug;
}
