import { regexpLiteral } from "../../../../policies/pack/inspect/regexp-literal";

describe("regexpLiteral", () => {
  it("matches every character special to a RegExp as itself", () => {
    const text = "a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o";
    expect(new RegExp(`^${regexpLiteral(text)}$`).test(text)).toBe(true);
    expect(new RegExp(regexpLiteral("app-db.internal")).test("app-dbXinternal")).toBe(false);
  });
});
