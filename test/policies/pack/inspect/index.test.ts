import * as path from "path";
import { inspectBuildContext } from "../../../../policies/pack/inspect";
import { FIXTURES_DIR, REPO_ROOT } from "../../../support/paths";

describe("inspectBuildContext", () => {
  it("turns a bad context into facts with file:line", async () => {
    const facts = await inspectBuildContext({ context: path.join(FIXTURES_DIR, "contexts", "bad-context") });
    const stage = facts.dockerfile!.stages[facts.dockerfile!.finalStageIndex];
    expect(stage.effectiveUser).toBeNull();
    expect(stage.from.resolved).toBe("python:3.12");
    expect(stage.env.find((e) => e.name === "SECRET_KEY")?.location).toEqual({ file: "Dockerfile", line: 9 });
    expect(facts.dockerignore!.exists).toBe(false);
    expect(facts.dockerignore!.sensitiveSent.map((s) => s.path)).toContain(".env");
    expect(facts.entrypoint!.file).toBe("entrypoint.sh");
    expect(facts.entrypoint!.steps[0]).toMatchObject({ kind: "migrate", swallowed: { handler: "true" } });
    expect(facts.entrypoint!.outsideCalls[0]).toMatchObject({
      kind: "pip-install",
      location: { file: "entrypoint.sh", line: 4 },
    });
    expect(facts.requirements.devPackagesInstalled.map((r) => r.name)).toEqual(["pytest"]);
    expect(facts.settings.runtimeModule).toBe("app.settings.production");
    expect(facts.settings.buildOnlyModules).toEqual(["app.settings.build"]);
    const production = facts.settings.modules.find((m) => m.module === "app.settings.production")!;
    expect(production.debug).toMatchObject({
      literal: true,
      location: { file: "app/settings/production.py", line: 2 },
    });
    expect(production.allowedHosts?.containsWildcard).toBe(true);
    expect(production.databases[0].urlDefault).toBe('"postgres://postgres@localhost/app"');
  });

  it("reports a missing context as unverifiable instead of throwing", async () => {
    const facts = await inspectBuildContext({ context: "/nonexistent/context" });
    expect(facts.unverifiable[0]).toMatchObject({ topic: "context" });
  });

  it("reports a missing Dockerfile as unverifiable", async () => {
    const facts = await inspectBuildContext({
      context: path.join(FIXTURES_DIR, "contexts", "bad-context"),
      dockerfile: "Nope.Dockerfile",
    });
    expect(facts.unverifiable.some((u) => u.topic === "dockerfile" && /Nope.Dockerfile/.test(u.reason))).toBe(
      true,
    );
  });

  it("finds the sample app hardened: non-root, build-only settings exempted, $PORT bound", async () => {
    const facts = await inspectBuildContext({ context: path.join(REPO_ROOT, "stacks", "sample-app") });
    const stage = facts.dockerfile!.stages[facts.dockerfile!.finalStageIndex];
    expect(stage.effectiveUser?.value).not.toMatch(/^(root|0)(:|$)/);
    expect(stage.compilers).toEqual([]);
    expect(facts.dockerignore!.sensitiveSent).toEqual([]);
    expect(facts.settings.buildOnlyModules).toEqual(["config.settings.build"]);
    expect(facts.entrypoint!.servers[0].usesPortVariable).toBe(true);
  });

  it("returns the cached facts while no file changed", async () => {
    const req = { context: path.join(FIXTURES_DIR, "contexts", "bad-context") };
    expect(await inspectBuildContext(req)).toBe(await inspectBuildContext(req));
  });
});
