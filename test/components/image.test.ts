import * as path from "path";
import { ConfigError, parseInstanceSettings } from "../../components/config";
import { AppImage, imageSource, localImageName, projectRoot } from "../../components/image";
import { FIXTURES_DIR, REPO_ROOT } from "../support/paths";
import { installCapture, valueOf } from "../support/capture";

const image = (extra: Record<string, unknown>) =>
  parseInstanceSettings({ agency: "riverside", domains: ["r.example.org"], image: extra }).image;

describe("imageSource", () => {
  it("resolves a relative context against the project root and the Dockerfile against the context", () => {
    const source = imageSource(
      "riverside",
      image({ context: "test/fixtures/docker-instance/app", target: "runtime" }),
      REPO_ROOT,
    );
    expect(source.build).toEqual({
      context: path.join(FIXTURES_DIR, "docker-instance", "app"),
      dockerfile: path.join(FIXTURES_DIR, "docker-instance", "app", "Dockerfile"),
      target: "runtime",
      args: {},
      imageName: localImageName("riverside"),
    });
  });

  it("takes a pushed reference as is", () => {
    expect(imageSource("riverside", image({ ref: "ghcr.io/r/app:1" }))).toEqual({ ref: "ghcr.io/r/app:1" });
  });

  it("refuses secret-like build args and names each key", () => {
    const settings = {
      ...image({ context: "test/fixtures/docker-instance/app" }),
      buildArgs: { DB_PASSWORD: "x", VERSION: "1" },
    };
    expect(() => imageSource("riverside", settings, REPO_ROOT)).toThrow(ConfigError);
    expect(() => imageSource("riverside", settings, REPO_ROOT)).toThrow(
      /agency-deploy:image.buildArgs.DB_PASSWORD looks like a secret/,
    );
  });

  it("uses the directory of Pulumi.yaml as the project root, or the working directory outside the CLI", () => {
    expect(projectRoot()).toBe(process.cwd());
  });
});

describe("AppImage", () => {
  it("builds locally without pushing and exposes the image ID as the digest", async () => {
    const capture = installCapture();
    const source = imageSource(
      "riverside",
      image({ context: "test/fixtures/docker-instance/app" }),
      REPO_ROOT,
    );
    const app = new AppImage("riverside-app", { source });
    expect(await valueOf(app.digest)).toMatch(/^sha256:/);
    await capture.settled();
    const built = capture.one("docker:index/image:Image", "riverside-app-image");
    expect(built.inputs).toMatchObject({ skipPush: true, imageName: "agency-deploy/riverside-app:deployed" });
    expect(path.isAbsolute((built.inputs.build as { context: string }).context)).toBe(true);
  });
});
