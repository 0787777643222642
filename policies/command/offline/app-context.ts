import * as fs from "fs";
import * as path from "path";
import { DockerfileParser } from "dockerfile-ast";
import { UsageError } from "./usage-error";
import { discover, type Discovery } from "../app-deployment/discovery";
import { ComposeFileError } from "../app-deployment/yaml-tree";

/** What a Django app directory declares about itself. */
export interface AppDeclarations {
  context: string;
  settingsModule?: string;
  wsgiModule?: string;
  dockerfile?: string;
  target?: string;
}

const SKIP_DIRS = new Set([
  "node_modules",
  ".git",
  ".venv",
  "venv",
  "env",
  "__pycache__",
  "static",
  "media",
  "dist",
]);
const MAX_DEPTH = 4;

function findFiles(root: string, name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isFile() && e.name === name) found.push(path.join(dir, e.name));
      else if (e.isDirectory() && depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) {
        walk(path.join(dir, e.name), depth + 1);
      }
    }
  };
  walk(root, 0);
  return found.sort((a, b) => a.split(path.sep).length - b.split(path.sep).length || a.localeCompare(b));
}

// manage.py sets its default with os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<module>"); a
// regular expression is enough for that one call and avoids a Python parser here.
const SETTINGS_DEFAULT = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z_][\w.]*)["']/;

function settingsModule(context: string): string | undefined {
  for (const file of findFiles(context, "manage.py")) {
    const match = SETTINGS_DEFAULT.exec(fs.readFileSync(file, "utf8"));
    if (match) return match[1];
  }
  return undefined;
}

function wsgiModule(context: string, settings: string | undefined): string | undefined {
  const modules = findFiles(context, "wsgi.py")
    .filter((f) => /\bapplication\s*=/.test(fs.readFileSync(f, "utf8")))
    .map((f) => path.relative(context, f).replace(/\.py$/, "").split(path.sep).join("."));
  // Prefer the wsgi module of the package that holds the settings.
  const pkg = settings?.split(".")[0];
  const chosen = modules.find((m) => pkg !== undefined && m.split(".")[0] === pkg) ?? modules[0];
  return chosen ? `${chosen}:application` : undefined;
}

const PRODUCTION_STAGES = ["production", "prod", "runtime", "release", "final"];

function dockerfileTarget(file: string, mode: string): string | undefined {
  const dockerfile = DockerfileParser.parse(fs.readFileSync(file, "utf8"));
  const stages = dockerfile
    .getFROMs()
    .map((f) => f.getBuildStage())
    .filter((s): s is string => s !== null && s !== undefined)
    .map((s) => s.toLowerCase());
  if (mode !== "production") return undefined;
  return PRODUCTION_STAGES.find((s) => stages.includes(s));
}

/** The --context directory as an absolute path; a UsageError naming it when it cannot be read. */
export function contextDirectory(dir: string): string {
  const context = path.resolve(dir);
  try {
    if (!fs.statSync(context).isDirectory()) throw new UsageError(`--context ${dir} is not a directory`);
    fs.accessSync(context, fs.constants.R_OK | fs.constants.X_OK);
    fs.readdirSync(context);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `--context ${dir} cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  return context;
}

/** What discovery finds from the repository root; a compose file that does not parse is a usage error. */
export function discoverRepository(root: string, compose?: string[]): Discovery {
  try {
    return discover(root, { compose });
  } catch (e) {
    if (e instanceof ComposeFileError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Read what an app directory declares: the settings module production uses (discovery's choice:
 * compose, the Dockerfile's ENV, the start script, then manage.py), the WSGI module, the
 * Dockerfile the deployment builds (it may live in a subfolder: its folder is then the build
 * context), and (in production) a stage named for production use.
 */
export function discoverApp(dir: string, mode: string): AppDeclarations {
  const root = contextDirectory(dir);
  const found = discoverRepository(root);
  const djangoRoot = found.django ? path.join(root, found.django.sourceRoot) : root;
  const settings = found.django?.settings?.module ?? settingsModule(root);
  const declarations: AppDeclarations = {
    context: root,
    settingsModule: settings,
    wsgiModule: wsgiModule(djangoRoot, settings),
  };
  const dockerfile = found.dockerfile;
  if (dockerfile) {
    const context = path.join(root, dockerfile.context);
    declarations.context = context;
    declarations.dockerfile = path
      .relative(context, path.join(root, dockerfile.file))
      .split(path.sep)
      .join("/");
    declarations.target = dockerfileTarget(path.join(root, dockerfile.file), mode);
  }
  return declarations;
}
