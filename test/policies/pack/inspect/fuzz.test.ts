import fc from "fast-check";
import { loadGrammars, withinBound, withinBoundAsync } from "../../../support/fuzz-bound";
import { memoryContext } from "../../../../policies/pack/inspect/context-files";
import { readDockerfile } from "../../../../policies/pack/inspect/dockerfile";
import { judgeContext } from "../../../../policies/pack/inspect/dockerignore";
import { readEntrypointScript } from "../../../../policies/pack/inspect/entrypoint";
import { readRequirementsText } from "../../../../policies/pack/inspect/requirements";
import { readSettingsModule } from "../../../../policies/pack/inspect/settings";

const adversarial = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.string({ unit: "binary", maxLength: 500 }),
  fc.constantFrom(
    "RUN a \\\n".repeat(10_000),
    "x".repeat(100_000),
    "[".repeat(5000) + "]".repeat(10),
    '"\'"'.repeat(3000),
    "\0\0\0\n\0",
    "FROM a\nRUN <<EOF\nno end",
    "# escape=`\nFROM a `\n".repeat(100),
    "(".repeat(3000),
    "x = {" + '"a": ['.repeat(800),
    "if a; then ".repeat(2000),
    "ENV " + "a=b ".repeat(20_000),
  ),
  fc
    .array(
      fc.constantFrom(
        "FROM ",
        "RUN ",
        "COPY ",
        "ENV ",
        "USER ",
        "\\\n",
        "\n",
        '"',
        "'",
        "[",
        "]",
        "--",
        "=",
        "$",
        "{",
        "}",
        "<<EOF",
        "EOF",
        "#",
        " ",
        "set -e",
        "||",
        "true",
        "import *",
        "os.environ[",
        "(",
      ),
      { maxLength: 400 },
    )
    .map((parts) => parts.join("")),
);

describe("readers under random and adversarial input", () => {
  beforeAll(loadGrammars);

  it("the Dockerfile reader never throws and stays within the bound", () => {
    fc.assert(
      fc.property(adversarial, (text) => void withinBound(() => readDockerfile(text, "Dockerfile", "t"))),
      { numRuns: 150 },
    );
  });

  it("the .dockerignore matcher never throws and stays within the bound", () => {
    fc.assert(
      fc.property(adversarial, fc.array(fc.string({ maxLength: 60 }), { maxLength: 50 }), (text, files) => {
        withinBound(() => judgeContext(text, ".dockerignore", files, [], false));
      }),
      { numRuns: 150 },
    );
  });

  it("the requirements reader never throws and stays within the bound", () => {
    fc.assert(
      fc.property(
        adversarial,
        (text) => void withinBound(() => readRequirementsText(text, "requirements.txt")),
      ),
      { numRuns: 150 },
    );
  });

  it("the entrypoint reader never throws and stays within the bound", async () => {
    await fc.assert(
      fc.asyncProperty(
        adversarial,
        async (text) => void (await withinBoundAsync(() => readEntrypointScript(text, { file: "e.sh" }))),
      ),
      { numRuns: 80 },
    );
  });

  it("the settings reader never throws and stays within the bound", async () => {
    await fc.assert(
      fc.asyncProperty(adversarial, async (text) => {
        const context = memoryContext({ "s/base.py": text, "s/prod.py": `from .base import *\n${text}` });
        await withinBoundAsync(() => readSettingsModule(context, "s.prod", [""]));
      }),
      { numRuns: 80 },
    );
  });
});
