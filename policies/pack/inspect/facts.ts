/**
 * The facts model: what the build-context readers found, with file:line for every fact that points into a
 * file. Rules consume these; readers know nothing about policies, severities or reports.
 *
 * Stability: this model only grows (new optional fields, new union members). Existing names keep their meaning.
 */
import type { ScriptEnvironment } from "./script-environment";
import type { HealthProbe } from "./health-probe";
import type { OutsideCallKind, ServerKind, ServerOptions, StepCondition } from "./shell";

/** A place in a file of the build context. `file` is relative to the context (forward slashes), `line` 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** What a reader could not decide, so that a rule can say "could not verify" with the reason. */
export type InspectTopic =
  | "context"
  /** Whether the image builds at all: one item (CS-1) reports a Dockerfile BuildKit rejects. */
  | "build"
  | "dockerfile"
  | "dockerignore"
  | "entrypoint"
  | "settings"
  /**
   * Whether the settings modules import at all: one item (CH-8, the module exists) reports a
   * settings file Python cannot parse; the other items reading the settings say they could not judge them.
   */
  | "settings-import"
  | "requirements"
  | "railway"
  | "django-project"
  | "seed-commands";

export interface Unverifiable {
  topic: InspectTopic;
  reason: string;
  location?: SourceLocation;
}

/**
 * Input the build or the app breaks on: a Dockerfile BuildKit rejects, a COPY source missing from the
 * context, a settings module with a syntax error. Not "could not verify": the deployment will fail.
 */
export interface BrokenInput {
  topic: InspectTopic;
  reason: string;
  location?: SourceLocation;
  /** The image cannot be built at all (as opposed to an app that cannot start). */
  failsBuild: boolean;
  /**
   * The file cannot be read as written (`Dockerfile:3 does not parse`): what the items reading it
   * say instead of judging it, the one that owns the topic reporting the failure.
   */
  unreadable?: string;
}

export interface InspectRequest {
  /** Build context directory (absolute, or relative to the process cwd). */
  context: string;
  /** Dockerfile path: relative to the context, or absolute. Default `Dockerfile`. */
  dockerfile?: string;
  /** Build target stage name; the final stage is this stage when given, else the last stage. */
  target?: string;
  /** The settings module the deployment sets at run time (DJANGO_SETTINGS_MODULE from the resource's env). */
  settingsModule?: string;
}

export interface BuildContextFacts {
  /** Absolute path of the context that was inspected. */
  context: string;
  dockerfile: DockerfileFacts | null;
  dockerignore: DockerignoreFacts | null;
  entrypoint: EntrypointFacts | null;
  settings: SettingsFacts;
  requirements: RequirementsFacts;
  /** null when the context has no railway.json. */
  railway: RailwayFacts | null;
  django: DjangoProjectFacts;
  seedCommands: SeedCommandFacts[];
  /** Management commands the app defines (`<app>/management/commands/<name>.py`). */
  managementCommands: ManagementCommandFact[];
  /** The URL configuration of the runtime settings (ROOT_URLCONF); null without one. */
  urls: UrlConfigurationFacts | null;
  unverifiable: Unverifiable[];
  broken: BrokenInput[];
}

// ---------------------------------------------------------------------------------------------------------
// Dockerfile

/** One instruction as BuildKit's parser sees it (continuations joined, comments inside them dropped). */
export interface DockerInstruction {
  /** Upper-case keyword as written (`RUN`, `COPY`, ... or an unknown word, which BuildKit ignores). */
  keyword: string;
  /** Builder flags before the arguments, as BuildKit extracts them: `--from=build`, `--chown=app:app`. */
  flags: string[];
  /** The arguments as BuildKit's node values (JSON form: the array elements; shell form: per keyword rules). */
  args: string[];
  /** true for the JSON (exec) form of RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME/HEALTHCHECK. */
  json: boolean;
  /** ONBUILD's trigger instruction. */
  trigger?: DockerInstruction;
  /** Heredoc bodies that follow the instruction line (`RUN <<EOF`). */
  heredocs: Heredoc[];
  /** The joined logical line, keyword included. */
  original: string;
  location: SourceLocation;
  endLine: number;
}

export interface Heredoc {
  name: string;
  /** Body text with the terminator removed; `<<-` strips leading tabs. */
  content: string;
  /** First line of the body. */
  location: SourceLocation;
}

export interface DockerfileProblem {
  message: string;
  location: SourceLocation;
}

export interface ImageReference {
  /** As written in FROM. */
  raw: string;
  /** After ARG substitution (global ARGs with defaults). Unresolvable variables stay as `${NAME}`. */
  resolved: string;
  /** Repository with registry, without tag/digest: `python`, `ghcr.io/org/app`. */
  name: string;
  tag: string | null;
  digest: string | null;
  /** Whether `resolved` still contains an unresolved variable reference. */
  hasUnresolvedVariable: boolean;
  /** FROM names an earlier stage (`FROM base`), or `scratch`. */
  kind: "image" | "stage" | "scratch";
}

export interface DockerStage {
  index: number;
  /** `AS <alias>`, lower-cased as BuildKit compares it. */
  alias: string | null;
  from: ImageReference;
  platform: string | null;
  /** Index of the stage this one starts from (`FROM <alias>`), else null. */
  parentStage: number | null;
  location: SourceLocation;
  instructions: DockerInstruction[];
  args: ArgFact[];
  env: EnvFact[];
  copies: CopyFact[];
  runs: RunFact[];
  expose: ExposeFact[];
  /** The last USER written in this stage itself. */
  user: UserFact | null;
  /** The USER in force at the end of this stage, following `FROM <alias>` inheritance; null = root by default. */
  effectiveUser: UserFact | null;
  /** Last CMD / ENTRYPOINT in force at the end of the stage (inherited through `FROM <alias>`). */
  cmd: CommandFact | null;
  entrypoint: CommandFact | null;
  healthcheck: HealthcheckFact | null;
  /** Effective WORKDIR at the end of the stage (absolute when resolvable), `/` by default. */
  workdir: string;
  /** apt/apk packages that are compilers or build toolchains (gcc, build-essential, ...). */
  compilers: PackageFact[];
  /** The SHELL argv in force at the end of the stage (inherited through `FROM <alias>`); null = `/bin/sh -c`. */
  shell: string[] | null;
}

export interface ArgFact {
  name: string;
  /** Default as written, quotes removed; null when `ARG NAME` has none. */
  defaultValue: string | null;
  location: SourceLocation;
}

export interface EnvFact {
  name: string;
  /** Value as written, quotes removed. */
  value: string;
  /** Value after substitution of ARG/ENV known at that point. */
  resolved: string;
  location: SourceLocation;
}

export interface UserFact {
  /** After substitution, e.g. `app`, `1000:1000`, `root`. */
  value: string;
  raw: string;
  location: SourceLocation;
}

export interface CopyFact {
  keyword: "COPY" | "ADD";
  sources: string[];
  destination: string;
  /** Destination resolved against WORKDIR (`.` → the workdir). */
  absoluteDestination: string;
  /** `--from=<stage|image>`; null when copying from the build context. */
  from: string | null;
  chown: string | null;
  chmod: string | null;
  /** A source of `.` / `./` / `*` from the context: the whole context goes in. */
  copiesWholeContext: boolean;
  /** The sources that name a file holding a secret (secret-files.ts). */
  secretSources: string[];
  /** Heredoc-provided content (`COPY <<EOF /path`), not a context file. */
  fromHeredoc: boolean;
  location: SourceLocation;
}

export interface RunFact {
  /** Shell text (heredoc bodies appended) or the exec-form argv joined by spaces. */
  command: string;
  exec: boolean;
  mounts: string[];
  /** Every `--settings=<module>` and `DJANGO_SETTINGS_MODULE=<module>` in this RUN. */
  settingsReferences: SettingsReference[];
  packageInstalls: PackageInstall[];
  pipInstalls: PipInstall[];
  /** `manage.py <command>` invocations (collectstatic, compilemessages, ...). */
  manageCommands: string[];
  /** The SHELL argv a shell-form RUN runs under (null = the default `/bin/sh -c`); null for the exec form too. */
  shell: string[] | null;
  /** A shell-form RUN with a pipe `|` (not `||`) outside quotes: only the last command's status counts. */
  pipes: boolean;
  /** The script runs `set -o pipefail` (or `set -euo pipefail` & co.) before its first pipe. */
  setsPipefail: boolean;
  /**
   * hadolint DL4006: it pipes under a POSIX shell (sh, bash...) with neither pipefail in the SHELL's
   * options nor `set -o pipefail` first, so a failure before the last `|` still builds the image.
   * PowerShell and cmd (Windows SHELLs) are not POSIX shells: never.
   */
  hidesPipeFailures: boolean;
  location: SourceLocation;
}

export interface SettingsReference {
  module: string;
  via: "--settings" | "DJANGO_SETTINGS_MODULE";
  location: SourceLocation;
}

export interface PackageInstall {
  manager: "apt-get" | "apt" | "apk";
  packages: string[];
  /** apt: `--no-install-recommends`; apk: always true. */
  noInstallRecommends: boolean;
  /** apt: `rm -rf /var/lib/apt/lists...` in the same RUN; apk: `--no-cache` or `rm -rf /var/cache/apk`. */
  cleansCache: boolean;
  location: SourceLocation;
}

export interface PackageFact {
  name: string;
  location: SourceLocation;
}

export interface PipInstall {
  /** `-r <file>` / `--requirement <file>` paths as written (image paths). */
  requirementFiles: string[];
  /** Named packages (`pip install pytest`). */
  packages: string[];
  location: SourceLocation;
}

export interface CommandFact {
  form: "exec" | "shell";
  /** exec form: the array; shell form: `[<command string>]`. */
  argv: string[];
  /** The command as one string (exec form joined by spaces). */
  text: string;
  location: SourceLocation;
}

export interface ExposeFact {
  ports: string[];
  location: SourceLocation;
}

export interface HealthcheckFact {
  /** `HEALTHCHECK NONE`. */
  disabled: boolean;
  command: CommandFact | null;
  /** What the command probes (nothing when there is none). */
  probe: HealthProbe;
  /** `--interval=30s` ... as written. */
  flags: string[];
  location: SourceLocation;
}

export interface DockerfileFacts {
  /** Relative to the context. */
  file: string;
  escapeChar: "\\" | "`";
  /** Every logical instruction in file order, stage-less ones (global ARG) included. */
  instructions: DockerInstruction[];
  /** ARGs before the first FROM. */
  globalArgs: ArgFact[];
  stages: DockerStage[];
  /** Index into `stages` of the stage that runs (`target` or the last); -1 when there is no stage. */
  finalStageIndex: number;
  /** Every settings reference in RUN instructions of any stage (build-time uses). */
  buildSettingsReferences: SettingsReference[];
  /** Parse problems BuildKit would reject (no instructions, ENV without value, nested JSON, ...). */
  problems: DockerfileProblem[];
}

// ---------------------------------------------------------------------------------------------------------
// .dockerignore and the files the build sends

export type SensitiveKind =
  "env-file" | "git" | "virtualenv" | "private-key" | "credentials" | "sqlite-database";
export type ToolingKind = "tests" | "docs" | "ci" | "node-modules" | "tooling";

export interface ContextFile {
  /** Relative to the context, forward slashes. For directories summarised as one entry, ends with `/`. */
  path: string;
}

export interface SensitiveFile extends ContextFile {
  kind: SensitiveKind;
}

export interface ToolingFile extends ContextFile {
  kind: ToolingKind;
}

export interface IgnorePattern {
  pattern: string;
  negated: boolean;
  location: SourceLocation;
}

export interface DockerignoreFacts {
  exists: boolean;
  /** `.dockerignore` or `<Dockerfile>.dockerignore` when that one exists (BuildKit prefers it). */
  file: string | null;
  patterns: IgnorePattern[];
  /** Every file the build would send (relative paths, sorted). */
  sentFiles: string[];
  /** Sensitive paths that would be sent. Directories (`.git/`, `venv/`) appear once with a trailing `/`. */
  sensitiveSent: SensitiveFile[];
  /** Sensitive paths present in the context and excluded. */
  sensitiveExcluded: SensitiveFile[];
  /** Tests/docs/tooling that would be sent (and so copied by `COPY . .`). Directories once with `/`. */
  toolingSent: ToolingFile[];
  /** The walk stopped early (huge context); lists are partial. */
  truncated: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Entrypoint / start command

/** The shell reader's step kinds (shell.ts), and `exec` for any other command the script execs. */
export type StartupStepKind =
  "migrate" | "seed" | "check" | "lockdown" | "collectstatic" | "server" | "manage" | "exec" | "backup";

export interface StartupStep {
  kind: StartupStepKind;
  /** The command text as written (one line of the script). */
  command: string;
  /** manage.py subcommand (`migrate`, `startup_check`, `seed_metrics`, ...), when it is one. */
  manageCommand: string | null;
  /** `--database=<alias>` of migrate/seed, when given. */
  database: string | null;
  /** `--settings=<module>`, when given. */
  settings: string | null;
  /** `check --deploy` / `startup_check` style. */
  deployCheck: boolean;
  /** The failure of this command is swallowed (`|| true`, `|| :`, `|| echo ...`). */
  swallowed: SwallowedFailure | null;
  /** Runs only under a condition (`if`, `&&` chain after a test, case arm). */
  conditional: boolean;
  /** The tests on variables it runs under (`[ "$RUN_MIGRATIONS" = 1 ] &&`, `if [ -n "$X" ]`). */
  conditions: StepCondition[];
  location: SourceLocation;
}

export interface SwallowedFailure {
  /** The failing command text (left side of `||`). */
  command: string;
  /** The right side as written: `true`, `:`, `echo "seed failed"`. */
  handler: string;
  /** The handler prints something (echo/printf/logger/>&2) rather than swallowing silently. */
  hasMessage: boolean;
  location: SourceLocation;
}

/** A server an entrypoint starts, with the options the shell reader reads (shell.ts). */
export interface ServerStart extends Omit<ServerOptions, "configFile"> {
  server: ServerKind;
  command: string;
  /** Started with `exec` (becomes PID 1 and receives signals). */
  exec: boolean;
  location: SourceLocation;
}

export interface OutsideCall {
  kind: OutsideCallKind;
  command: string;
  location: SourceLocation;
}

export interface LogFileFact {
  /** Path written to: a redirect target or a server log option that is not `-`. */
  path: string;
  via: "redirect" | "server-option";
  location: SourceLocation;
}

export interface EntrypointFacts {
  /** Script file in the context (relative) that the image runs; null when the command is inline. */
  file: string | null;
  /** The ENTRYPOINT/CMD instruction the script was resolved from. */
  resolvedFrom: SourceLocation | null;
  /** How the image starts: `ENTRYPOINT` + `CMD` as one command text. */
  startCommand: string;
  errexit: { enabled: boolean; location: SourceLocation | null };
  /** Notable commands in script order. */
  steps: StartupStep[];
  swallowedFailures: SwallowedFailure[];
  servers: ServerStart[];
  outsideCalls: OutsideCall[];
  logFiles: LogFileFact[];
  /** Parse errors tree-sitter recovered from (facts after them may be incomplete). */
  syntaxErrors: SourceLocation[];
  /** `${VAR:-default}`-style expansions (a default when VAR is unset), outside comment lines. */
  fallbacks: VariableFallback[];
  /** Loops that wait for a service (the database) before the script goes on. */
  waitLoops?: WaitLoopFact[];
  /** Variables the script sets for what it runs (a script that sources a file is open). */
  environment: ScriptEnvironment;
}

/** A loop polling a service (`pg_isready`, `nc -z`) at start: bounded or not, and whether it fails after. */
export interface WaitLoopFact {
  bounded: boolean;
  failsAfterBound: boolean;
  location: SourceLocation;
}

export interface VariableFallback {
  variable: string;
  location: SourceLocation;
}

// ---------------------------------------------------------------------------------------------------------
// Django settings

/** How a setting's value is produced. */
export interface SettingValue {
  kind: "literal" | "env" | "expression";
  /** Python source of the right-hand side (truncated to 200 chars). */
  expression: string;
  /** kind literal: the value (strings unquoted; True/False as booleans; numbers as numbers; None as null). */
  literal?: string | number | boolean | null;
  /** kind env: the environment read. */
  env?: EnvRead;
  location: SourceLocation;
}

export interface EnvRead {
  name: string;
  /** `os.environ["X"]`, a require-style helper, or `env("X")` without default: fails when missing. */
  required: boolean;
  /** Python source of the default (`"False"`, `"*"`, `None`), null when there is none. */
  defaultExpression: string | null;
  /** The default as a literal, when it is one. */
  defaultLiteral?: string | number | boolean | null;
  /** Callee as written: `os.environ.get`, `os.getenv`, `env.bool`, `require_env`, `os.environ[]`. */
  via: string;
  location: SourceLocation;
  /** A check that raises on a missing, empty or insecure value makes the default fail closed (so required). */
  failsClosedAt?: SourceLocation;
  /**
   * Read only in an `if` branch (or conditional expression) the code does not take when no
   * optional variable is set: a missing variable there stops nothing.
   */
  conditional?: boolean;
}

export interface ListSetting {
  /** Literal string items (env-derived items are not listed). */
  items: string[];
  containsWildcard: boolean;
  /** Items coming from an environment read (e.g. split of an env var). */
  env: EnvRead[];
  value: SettingValue;
}

export interface DatabaseAlias {
  alias: string;
  /** Env var the URL or parts come from (`DATABASE_URL`), when recognisable. */
  env: EnvRead[];
  /** `dj_database_url.config(default=...)` / `parse(os.environ.get(..., default))` default as written. */
  urlDefault: string | null;
  connectTimeout: string | null;
  /** OPTIONS keys as written (`connect_timeout`, `options` with statement_timeout, `sslmode`). */
  optionKeys: string[];
  statementTimeout: boolean;
  connHealthChecks: SettingValue | null;
  connMaxAge: SettingValue | null;
  location: SourceLocation;
}

export interface SettingsModuleFacts {
  /** Dotted module name. */
  module: string;
  /** Main file (relative), null when the module is not in the context. */
  file: string | null;
  exists: boolean;
  /** All files read, in evaluation order (star-imported bases first). */
  files: string[];
  /** Referenced only by build-time `--settings=` / DJANGO_SETTINGS_MODULE in RUN: exempt from runtime checks. */
  buildOnly: boolean;
  /** Referenced at run time (final stage ENV, deployment's settingsModule, manage.py/wsgi default). */
  runtime: boolean;
  /** Where the module is referenced (Dockerfile RUN, ENV, manage.py...). */
  references: SourceLocation[];
  /** Effective assignment of each top-level UPPER_CASE setting (last one wins across the chain). */
  settings: Record<string, SettingValue>;
  debug: SettingValue | null;
  secretKey: SettingValue | null;
  fieldEncryptionKey: SettingValue | null;
  allowedHosts: ListSetting | null;
  csrfTrustedOrigins: ListSetting | null;
  /** Every environment read in the module chain. */
  envReads: EnvRead[];
  /** Where the settings load variables from a dotenv file: any variable may come from it. */
  envFileLoads: SourceLocation[];
  databases: DatabaseAlias[];
  /** dotted paths in DATABASE_ROUTERS. */
  databaseRouters: string[];
  middleware: string[];
  whitenoiseMiddleware: boolean;
  /** Storage backend for staticfiles (STORAGES["staticfiles"]["BACKEND"] or STATICFILES_STORAGE). */
  staticfilesStorage: string | null;
  compressedManifestStorage: boolean;
  logging: LoggingFacts;
  secureProxySslHeader: SettingValue | null;
  secureSslRedirect: SettingValue | null;
  secureHstsSeconds: SettingValue | null;
  sessionCookieSecure: SettingValue | null;
  csrfCookieSecure: SettingValue | null;
  languages: SettingValue | null;
  languageCode: SettingValue | null;
  localePaths: SettingValue | null;
  /** Python files with a syntax error (the module fails to import). */
  syntaxErrors: SourceLocation[];
  /** Python files too slow to parse (pathological text): unreadable, so "could not verify". */
  unparsed?: SourceLocation[];
}

export interface LoggingFacts {
  handlerClasses: { className: string; location: SourceLocation }[];
  /** FileHandler / RotatingFileHandler / WatchedFileHandler etc.: logs written to a file in the container. */
  fileHandlers: { className: string; filename: string | null; location: SourceLocation }[];
}

export interface RouterFacts {
  module: string;
  file: string | null;
  /** db_for_read/db_for_write/allow_migrate mention "audit". */
  routesAudit: boolean;
  methods: string[];
  location: SourceLocation | null;
}

export interface SettingsFacts {
  /** Every module looked at: runtime, build-time and their bases. */
  modules: SettingsModuleFacts[];
  /** The module the running container uses (deployment setting > final-stage ENV > manage.py/wsgi default). */
  runtimeModule: string | null;
  runtimeModuleSource: "request" | "dockerfile-env" | "manage.py" | "wsgi" | null;
  /**
   * Nothing names the module but a function in manage.py / wsgi.py computes it: the modules it can
   * return (read into `modules`, neither runtime nor build-only, when they exist).
   */
  candidates?: SettingsCandidates;
  buildOnlyModules: string[];
  routers: RouterFacts[];
}

// ---------------------------------------------------------------------------------------------------------
// requirements

export interface RequirementLine {
  /** Normalised distribution name (lower-case, `_`→`-`). */
  name: string;
  spec: string;
  location: SourceLocation;
}

export interface RequirementsFile {
  file: string;
  requirements: RequirementLine[];
  /** `-r` / `-c` includes resolved relative to this file. */
  includes: string[];
  /** Installed by a `pip install -r` in the final stage (directly or through includes). */
  installedInFinalStage: boolean;
  /** Lines pip cannot read (`pip install -r` stops on them with "Invalid requirement" or "no such option"). */
  problems: RequirementsProblem[];
}

export interface RequirementsProblem {
  reason: string;
  location: SourceLocation;
}

export interface RequirementsFacts {
  files: RequirementsFile[];
  /** Dev/test packages the final stage installs (from its requirement files or named in pip install). */
  devPackagesInstalled: RequirementLine[];
  /** Packages present in any requirements file that is installed in the final stage. */
  installed: RequirementLine[];
}

// ---------------------------------------------------------------------------------------------------------
// Other files

export interface RailwayFacts {
  file: string;
  /** null when railway.json has no build.watchPatterns. */
  watchPatterns: string[] | null;
  location: SourceLocation | null;
  startCommand: string | null;
  parseError: string | null;
}

/** The settings modules a function in manage.py / wsgi.py can return, and where it sets the module. */
export interface SettingsCandidates {
  modules: string[];
  location: SourceLocation;
}

export interface DjangoProjectFacts {
  /** manage.py files (relative), with the settings module each defaults to. */
  managePy: {
    file: string;
    defaultSettings: string | null;
    location: SourceLocation | null;
    /** When a function computes the default: the settings modules the file names, which it can return. */
    settingsCandidates?: SettingsCandidates;
  }[];
  /** wsgi.py files with their dotted module and default settings module. */
  wsgi: {
    file: string;
    module: string;
    /** It defines `application`, what a WSGI server loads (a leftover wsgi.py may not). */
    definesApplication: boolean;
    defaultSettings: string | null;
    location: SourceLocation | null;
    settingsCandidates?: SettingsCandidates;
  }[];
  /** Directory (relative, `` for the root) that Python imports resolve from (where manage.py lives). */
  sourceRoots: string[];
}

export interface SeedCommandFacts {
  /** Management command name (file stem). */
  command: string;
  file: string;
  usesGetOrCreate: boolean;
  usesUpdateOrCreate: boolean;
  /** `if X.objects.exists(): return` style guards that skip silently. */
  silentGuards: SourceLocation[];
  /** `.create(` / `bulk_create(` outside get_or_create: not idempotent on re-run. */
  plainCreates: SourceLocation[];
}

export interface ManagementCommandFact {
  command: string;
  file: string;
}

export interface UrlRoute {
  /** As a request path: `/healthz/`. */
  path: string;
  location: SourceLocation;
}

export interface UrlConfigurationFacts {
  /** ROOT_URLCONF as set in the runtime settings. */
  module: string | null;
  /** Its file in the context, null when it is not there. */
  file: string | null;
  /** Every literal route, includes followed with their prefix. */
  routes: UrlRoute[];
  /** Some patterns are built at run time (regexes, routers, loops): a missing route is not certain. */
  dynamic: boolean;
  /** Request paths a middleware of MIDDLEWARE names in its source (health probes answered before routing). */
  middlewarePaths: UrlRoute[];
}
