/**
 * AppImage: the one application image an instance runs. Built from a context on the Docker host,
 * or a pushed reference pulled there. Either way every container (release and web) runs the same
 * immutable image ID, never a movable tag, so the release that migrated the database and the web
 * service that serves it are the same code.
 *
 * The build context and Dockerfile are recorded as absolute paths: the policy pack reads the
 * Dockerfile and .dockerignore from `build.context` / `build.dockerfile` at preview time.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import ignore from "@balena/dockerignore";
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { ConfigError, ConfigIssue, InstanceSettings, SECRET_LIKE_NAME, configKey } from "./config";

export type ImageSettings = InstanceSettings["image"];

/** A build on the Docker host. */
export interface ImageBuild {
  /** Absolute build context. */
  context: string;
  /** Absolute Dockerfile path. */
  dockerfile: string;
  target?: string;
  args: Record<string, string>;
  /** Local tag; containers use the image ID, not this name. */
  imageName: string;
}

/** Either a build or a pushed reference, never both (config guarantees exactly one). */
export interface ImageSource {
  build?: ImageBuild;
  ref?: string;
}

/**
 * The Pulumi project root (where Pulumi.yaml is). The CLI passes it to the program
 * (PULUMI_NODEJS_ROOT_DIRECTORY); outside the CLI (tests, the offline check) @pulumi/pulumi 3.248
 * returns the placeholder "rootDirectory", and the program runs from the repository root.
 */
export function projectRoot(): string {
  const root = pulumi.runtime.getRootDirectory();
  return path.isAbsolute(root) ? root : process.cwd();
}

/** The local tag of an agency's built image. */
export function localImageName(agency: string): string {
  return `agency-deploy/${agency}-app:deployed`;
}

/**
 * Decide what to build or pull. Refuses build args that look like secrets (they are kept in the
 * image history) and contexts or Dockerfiles that do not exist, naming the config key.
 */
export function imageSource(
  agency: string,
  image: ImageSettings,
  rootDir: string = projectRoot(),
): ImageSource {
  if (image.ref !== undefined) return { ref: image.ref };
  if (image.context === undefined) {
    throw new ConfigError([
      {
        key: configKey(["image"]),
        path: ["image"],
        message: "must set exactly one of image.context or image.ref",
      },
    ]);
  }
  const issues: ConfigIssue[] = Object.keys(image.buildArgs)
    .filter((name) => SECRET_LIKE_NAME.test(name))
    .map((name) => ({
      key: configKey(["image", "buildArgs", name]),
      path: ["image", "buildArgs", name],
      message: "looks like a secret; build args are stored in the image history. Use runtime env instead",
    }));
  const context = path.resolve(rootDir, image.context);
  const dockerfile = path.resolve(context, image.dockerfile);
  if (!fs.existsSync(context) || !fs.statSync(context).isDirectory()) {
    issues.push({
      key: configKey(["image", "context"]),
      path: ["image", "context"],
      message: `is not a directory: ${context}`,
    });
  } else if (!fs.existsSync(dockerfile)) {
    issues.push({
      key: configKey(["image", "dockerfile"]),
      path: ["image", "dockerfile"],
      message: `does not exist: ${dockerfile}`,
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    build: {
      context,
      dockerfile,
      target: image.target,
      args: image.buildArgs,
      imageName: localImageName(agency),
    },
  };
}

/**
 * sha256 of what `docker build` would send: every file of the context that .dockerignore keeps
 * (Docker's own matching rules, @balena/dockerignore), by relative path and content, plus the
 * Dockerfile, the target and the build args. The provider rebuilds the image exactly when these
 * change, so the digest is known before the build and names what the image will contain.
 */
export function buildDigest(build: ImageBuild): string {
  const ignoreFile = path.join(build.context, ".dockerignore");
  const ignored = ignore().add(fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, "utf8") : "");
  const hash = crypto.createHash("sha256");
  const walk = (dir: string): void => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(build.context, full).split(path.sep).join("/");
      if (ignored.ignores(relative)) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        hash.update(`${relative}\u0000`).update(fs.readFileSync(full)).update("\u0000");
    }
  };
  walk(build.context);
  hash.update(fs.readFileSync(build.dockerfile));
  hash.update(JSON.stringify({ target: build.target ?? null, args: Object.entries(build.args).sort() }));
  return hash.digest("hex");
}

/** What the image will be, known before it is built or pulled: the reference, or the build's digest. */
export function sourceDigest(source: ImageSource): string {
  if (source.build !== undefined) return `build:${buildDigest(source.build)}`;
  return `ref:${source.ref ?? ""}`;
}

export interface AppImageArgs {
  /** What to build or pull; from `imageSource`. */
  source: ImageSource;
}

export class AppImage extends pulumi.ComponentResource {
  /** What containers run: the immutable local image ID (`sha256:...`). */
  readonly imageId: pulumi.Output<string>;
  /** The image digest: the local image ID of a build, `repo@sha256:...` of a pushed image. */
  readonly digest: pulumi.Output<string>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    const { build, ref } = args.source;
    if ((build === undefined) === (ref === undefined)) {
      throw new Error(`${name}: an image source needs exactly one of a build or a ref`);
    }
    super("agency-deploy:index:AppImage", name, {}, opts);
    if (build !== undefined) {
      const image = new docker.Image(
        `${name}-image`,
        {
          imageName: build.imageName,
          skipPush: true,
          build: {
            context: build.context,
            dockerfile: build.dockerfile,
            target: build.target,
            args: build.args,
          },
        },
        { parent: this },
      );
      // For a local (unpushed) build, repoDigest is the image ID.
      this.imageId = image.repoDigest;
      this.digest = image.repoDigest;
    } else {
      const image = new docker.RemoteImage(
        `${name}-image`,
        { name: ref!, keepLocally: true },
        { parent: this },
      );
      this.imageId = image.imageId;
      this.digest = image.repoDigest;
    }
    this.registerOutputs({ imageId: this.imageId, digest: this.digest });
  }
}
