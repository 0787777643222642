/**
 * The pack entry with the stack's exemptions, started as `pulumi preview --policy-pack policies`
 * starts it (PULUMI_CONFIG in its environment): a bad entry stops the preview with the key and
 * index to fix, not a stack trace.
 */
import * as path from "path";
import { EngineHost, PolicyPackError, PolicyPackProcess } from "../../policies/command/offline/analyzer";
import { REPO_ROOT } from "../support/paths";

const context = (exemptions: unknown) => ({
  project: "agency-deploy",
  stack: "local",
  organization: "organization",
  dryRun: true,
  config: { "agency-deploy:exemptions": JSON.stringify(exemptions) },
  secretKeys: [],
});

test("a bad exemption in the stack config stops the pack, naming the key and index", async () => {
  const engine = await EngineHost.start();
  try {
    const started = PolicyPackProcess.start(path.join(REPO_ROOT, "policies"), {
      engine,
      context: context([
        { id: "CS-1", resource: "web", reason: "ok" },
        { id: "CS-99", resource: "web" },
      ]),
    });
    await expect(started).rejects.toThrow(PolicyPackError);
    const error = (await started.catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("agency-deploy:exemptions[1].id must be a checklist id (e.g. CS-1)");
    expect(error.message).toContain("agency-deploy:exemptions[1].reason is required");
    expect(error.message).not.toMatch(/^\s+at /m);
  } finally {
    await engine.stop();
  }
}, 60_000);
