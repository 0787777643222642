import {
  logicalLines,
  requirementLineProblem,
  requirementsSyntaxProblems,
} from "../../../../policies/pack/inspect/requirements-syntax";

describe("requirements files as pip reads them", () => {
  it.each([
    "django==5.2",
    'Django>=4.2,<5 ; python_version >= "3.8"',
    "requests[security]~=2.31",
    "psycopg[binary,pool]>=3.1",
    "foo===1.0.local",
    "foo (>=1.0)",
    "FOO_BAR.baz>=1",
    "pkg @ https://example.org/pkg-1.0.whl",
    "git+https://github.com/a/b.git@v1#egg=b",
    "https://example.org/pkg.tar.gz",
    "./local/pkg",
    "wheels/pkg-1.0-py3-none-any.whl",
    "-r base.txt",
    "--requirement=base.txt",
    "-rbase.txt",
    "-c constraints.txt",
    "-e .",
    "-e git+https://github.com/a/b.git#egg=b",
    "--index-url https://pypi.org/simple",
    "-i https://pypi.org/simple",
    "--extra-index-url=https://example.org/simple",
    "--find-links ./wheels",
    "--no-binary :all:",
    "--only-binary=:all:",
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--trusted-host pypi.org",
    "django==5.2 --hash=sha256:abcdef --hash=sha256:123456",
    "django==${DJANGO_VERSION}",
    "numpy; sys_platform == \"linux\" and (python_version < '3.13' or platform_machine != 'arm64')",
    "pywin32; os_name not in 'posix java'",
  ])("reads %j", (line) => {
    expect(requirementLineProblem(line)).toBeNull();
  });

  it.each([
    ["django=5.2", "not a valid requirement"],
    ["django==", "not a valid requirement"],
    ["<<<<<<< HEAD", "not a valid requirement"],
    ["Django 5.2", "not a valid requirement"],
    ["--index-urll https://x", "no requirements-file option --index-urll"],
    ["--hash=sha256:abc", "must follow a requirement"],
    ["-r", "-r needs a value"],
    ["--pre=yes", "takes no value"],
    ["django==5.2 --no-index", "not an option pip accepts after a requirement"],
    ['numpy; sys_platfrom == "linux"', "not a valid environment marker"],
    ["numpy; python_version >=", "not a valid environment marker"],
  ])("stops on %j", (line, reason) => {
    expect(requirementLineProblem(line)).toContain(reason);
  });

  it("joins continuations and drops comments, reporting the line a requirement starts on", () => {
    const text = "# pinned\ndjango==5.2 \\\n    --hash=sha256:abc  # comment\n\ngunicorn = 23\n";
    expect(logicalLines(text)).toEqual([
      { line: 2, text: "django==5.2     --hash=sha256:abc" },
      { line: 5, text: "gunicorn = 23" },
    ]);
    expect(requirementsSyntaxProblems(text)).toEqual([
      { line: 5, reason: expect.stringContaining('"gunicorn = 23" is not a valid requirement') },
    ]);
  });
});
