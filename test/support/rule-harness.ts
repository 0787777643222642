/**
 * The cases every rule over the application's build context shares, so each rule's test states
 * only what is its own: the sample app passes, the defects planted in bad-app are found at their
 * file:line, an app that runs a pushed image cannot be verified, and a stack that runs no
 * application is not applicable. Call it inside the rule's `describe`.
 */
import { judge } from "./resources";
import type { ResourceRule, StackRule } from "../../policies/pack/rules/rule";
import { DOCKER } from "../../policies/pack/rules/types";
import { BAD_APP, builtImage, SAMPLE_APP, violationsAt } from "./app-images";
import { appStack } from "./app-stack";
import { context, resource } from "./resources";

/** `planted`: where bad-app's defects for this item are (`file:line`, relative to bad-app); none is allowed. */
export function itJudgesTheAppBuild(rule: StackRule, planted: readonly string[]): void {
  it("passes the sample app", async () => {
    const result = await judge(rule, appStack(SAMPLE_APP), context());
    expect(violationsAt(result, SAMPLE_APP)).toEqual([]);
  });

  if (planted.length === 0) {
    it("finds nothing to fault in bad-app, which plants no defect for this item", async () => {
      const result = await judge(rule, appStack(BAD_APP, { envs: [] }), context());
      expect(violationsAt(result, BAD_APP)).toEqual([]);
    });
  } else {
    it(`finds the defects planted in bad-app (${planted.join(", ")})`, async () => {
      const result = await judge(rule, appStack(BAD_APP, { envs: [] }), context());
      expect(violationsAt(result, BAD_APP)).toEqual(expect.arrayContaining([...planted]));
    });
  }

  it("cannot verify an app that runs a pushed image", async () => {
    const web = resource(DOCKER.container, "web", {
      image: "ghcr.io/org/app:1.0",
      envs: ["DJANGO_SETTINGS_MODULE=x"],
    });
    const result = await judge(rule, [web], context());
    expect(result).not.toBe("not-applicable");
    expect(result === "not-applicable" ? [] : result.map((f) => f.kind)).toContain("unverifiable");
  });

  it("does not apply to a stack without an application", async () => {
    expect(await judge(rule, [], context())).toBe("not-applicable");
  });
}

/**
 * The cases every rule over one image's build context (Analyze) shares: the sample app's image
 * passes, and bad-app's is faulted exactly at `planted` (`file:line`, relative to bad-app).
 */
export function itJudgesTheAppImage(rule: ResourceRule, planted: readonly string[]): void {
  it("passes the sample app's image", async () => {
    expect(await judge(rule, builtImage(SAMPLE_APP), context())).toEqual([]);
  });

  it(`faults bad-app's image exactly where its defects are planted (${planted.join(", ")})`, async () => {
    const result = await judge(rule, builtImage(BAD_APP), context());
    expect(violationsAt(result, BAD_APP).sort()).toEqual([...planted].sort());
  });
}
