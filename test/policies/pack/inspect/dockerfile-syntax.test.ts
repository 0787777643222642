import { parseDockerfileSyntax, parseWords } from "../../../../policies/pack/inspect/dockerfile-syntax";

// BuildKit's word splitting in its two forms (parser.go: parseWords keeps quoting for the later
// expansion step, extractBuilderFlags drops it); the corpus test covers the rest of the grammar.
const instructionsOf = (text: string) =>
  parseDockerfileSyntax(text, "Dockerfile").instructions.map((i) => [i.keyword, i.flags, i.args]);

describe("builder flags", () => {
  it("drops quotes and escapes from flag values", () => {
    expect(
      instructionsOf(
        [
          'COPY --chown="app:app" --from=build /src /dst',
          "RUN --mount=type=cache,target='/root/.cache' pip install x",
          "COPY --from=a\\ b x y",
        ].join("\n"),
      ),
    ).toEqual([
      ["COPY", ["--chown=app:app", "--from=build"], ["/src", "/dst"]],
      ["RUN", ["--mount=type=cache,target=/root/.cache"], ["pip install x"]],
      ["COPY", ["--from=a b"], ["x", "y"]],
    ]);
  });

  it("ends the flags at a lone -- and keeps what follows as arguments", () => {
    expect(instructionsOf("COPY --link -- --odd /dst")).toEqual([["COPY", ["--link"], ["--odd", "/dst"]]]);
  });
});

describe("parseWords", () => {
  it("keeps quotes and escapes in the word and a quoted empty string as a word", () => {
    expect(parseWords(`A="x y" B='' C=a\\ b`, "\\")).toEqual(['A="x y"', "B=''", "C=a\\ b"]);
  });

  it("honours the escape directive, and inside single quotes takes the escape literally", () => {
    expect(parseWords("a`` b 'c`'", "`")).toEqual(["a``", "b", "'c`'"]);
  });
});
