import { CHECKLIST } from "../../../policies/pack/checklist";

describe("the checklist's severities", () => {
  it("record, for every critical or high item, the impact that justifies the severity", () => {
    const unexplained = CHECKLIST.filter(
      (item) => (item.severity === "critical" || item.severity === "high") && !item.severityReason?.trim(),
    ).map((item) => item.id);
    expect(unexplained).toEqual([]);
  });

  it("keep a failed first request after a database restart at medium (RC-1, RC-2)", () => {
    for (const id of ["RC-1", "RC-2"]) {
      expect(CHECKLIST.find((item) => item.id === id)?.severity).toBe("medium");
    }
  });
});
