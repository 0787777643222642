import * as fs from "fs";
import * as path from "path";
import { diskContext } from "../../pack/inspect/context-files";
import { readDjangoProject } from "../../pack/inspect/project";
import { discover, type Discovery, type FoundDockerfile } from "../app-deployment/discovery";
import { repositoryFiles } from "../app-deployment/repository-files";
import { ComposeFileError } from "../app-deployment/yaml-tree";
import { UsageError } from "./usage-error";

/** What a Django app directory declares about itself. */
export interface AppDeclarations {
  context: string;
  settingsModule?: string;
  wsgiModule?: string;
  dockerfile?: string;
  target?: string;
}

/**
 * The WSGI module a server loads: a wsgi.py that defines `application`, the one in the package
 * that holds the settings when there are several; read by the pack's project reader over the
 * files discovery lists.
 */
function wsgiModule(root: string, settings: string | undefined): string | undefined {
  const project = readDjangoProject(diskContext(root, repositoryFiles(root), false));
  const modules = project.wsgi.filter((w) => w.definesApplication).map((w) => w.module);
  const pkg = settings?.split(".")[0];
  const chosen = modules.find((m) => pkg !== undefined && m.split(".")[0] === pkg) ?? modules[0];
  return chosen ? `${chosen}:application` : undefined;
}

const PRODUCTION_STAGES = ["production", "prod", "runtime", "release", "final"];

/** In production, a stage named for production use (`AS runtime`); else the Dockerfile's last stage. */
function productionStage(dockerfile: FoundDockerfile, mode: string): string | undefined {
  if (mode !== "production") return undefined;
  const stages = dockerfile.stages.map((s) => s.toLowerCase());
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
  const settings = found.django?.settings?.module;
  const declarations: AppDeclarations = {
    context: root,
    settingsModule: settings,
    wsgiModule: wsgiModule(root, settings),
  };
  const dockerfile = found.dockerfile;
  if (dockerfile) {
    const context = path.join(root, dockerfile.context);
    declarations.context = context;
    declarations.dockerfile = path
      .relative(context, path.join(root, dockerfile.file))
      .split(path.sep)
      .join("/");
    declarations.target = productionStage(dockerfile, mode);
  }
  return declarations;
}
