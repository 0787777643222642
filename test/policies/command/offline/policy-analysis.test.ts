/**
 * The pack lifecycle both checks share: packs started beside whatever produces the resources,
 * Analyze and AnalyzeStack, the events, and everything stopped on any failure.
 */
import * as path from "path";
import {
  analyzeOffline,
  type PolicyAnalysisOptions,
} from "../../../../policies/command/offline/policy-analysis";
import { FIXTURES_DIR } from "../../../support/paths";

const PACK = path.join(FIXTURES_DIR, "offline", "pack");

const options = (policyPacks: string[]): PolicyAnalysisOptions => ({
  policyPacks,
  context: {
    project: "lifecycle",
    stack: "dev",
    organization: "organization",
    dryRun: true,
    config: {},
    secretKeys: [],
  },
});

describe("an offline policy analysis", () => {
  it("builds the engine's event stream from what the pack said, through the caller's adjustment", async () => {
    const seen: number[] = [];
    const analysis = await analyzeOffline(async () => ({ resources: [], label: "produced" }), {
      ...options([PACK]),
      onAnalyzing: (resources) => seen.push(resources.length),
      adjust: (pack) => ({ ...pack, info: { ...pack.info, name: "adjusted" } }),
    });
    expect(seen).toEqual([0]);
    expect(analysis.produced.label).toBe("produced");
    expect(analysis.mandatoryFailure).toBe(false);
    const summaries = analysis.events.flatMap((e) =>
      e.policyAnalyzeStackSummaryEvent !== undefined ? [e.policyAnalyzeStackSummaryEvent] : [],
    );
    expect(summaries).toEqual([expect.objectContaining({ policyPackName: "adjusted" })]);
  }, 60_000);

  it("throws what failed to produce the resources before a pack's failure, having stopped what started", async () => {
    const producer = new Error("the program crashed");
    await expect(
      analyzeOffline(() => Promise.reject(producer), options([PACK, "/no/such/pack"])),
    ).rejects.toBe(producer);
  }, 60_000);

  it("throws a pack's failure to start when the resources were produced", async () => {
    await expect(analyzeOffline(async () => ({ resources: [] }), options(["/no/such/pack"]))).rejects.toThrow(
      /no\/such\/pack/,
    );
  }, 60_000);
});
