import { nonRootUser } from "../../../../../policies/pack/rules/container-security/non-root-user";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { DOCKER } from "../../../../../policies/pack/rules/types";
import { kinds } from "../../../../support/app-images";
import { inlineImage, judgeInline } from "../../../../support/inline-app";
import { context, resource, judge } from "../../../../support/resources";
import { itJudgesTheAppImage } from "../../../../support/rule-harness";

const ctx = context();
const container = (props: Record<string, unknown>) =>
  resource(DOCKER.container, "web", { image: "x", ...props });
const judgeDockerfile = (dockerfile: string) =>
  judgeInline(nonRootUser, { Dockerfile: dockerfile, "app/__init__.py": "" }, { resources: inlineImage() });

describe("CS-1 non-root-user", () => {
  // bad-app's Dockerfile sets no USER: faulted at its final stage's FROM line.
  itJudgesTheAppImage(nonRootUser, ["Dockerfile:1"]);

  it("passes a multi-stage build whose builder runs as root and whose final stage sets a numeric USER", async () => {
    const dockerfile = `FROM python:3.12.8-slim-bookworm AS build
RUN pip wheel django -w /wheels
FROM python:3.12.8-slim-bookworm
COPY --from=build /wheels /wheels
USER 10001
CMD ["gunicorn", "app.wsgi"]
`;
    expect(await judgeDockerfile(dockerfile)).toEqual([]);
  });

  it("cannot verify a USER that comes from a build argument", async () => {
    const dockerfile = "FROM python:3.12-slim\nARG APP_USER\nUSER ${APP_USER}\nCOPY . .\n";
    const result = await judgeDockerfile(dockerfile);
    expect(kinds(result)).toEqual(["unverifiable"]);
    expect(JSON.stringify(result)).toContain("APP_USER");
  });

  it.each(["root", "0", "0:0", "root:staff"])(
    "fails a container that overrides its user to %s",
    async (user) => {
      expect(kinds(await judge(nonRootUser, container({ user }), ctx))).toEqual(["violation"]);
    },
  );

  it("passes a container that runs as a numeric user, and does not judge one that keeps its image's", async () => {
    expect(await judge(nonRootUser, container({ user: "10001" }), ctx)).toEqual([]);
    expect(await judge(nonRootUser, container({}), ctx)).toBe("not-applicable");
  });

  it.each([
    ["a pulled image", resource(DOCKER.remoteImage, "app", { name: "ghcr.io/agency/app:1.2" })],
    ["a pushed reference", resource(DOCKER.image, "pushed", { imageName: "ghcr.io/x/app:1" })],
    ["a build context unknown during preview", resource(DOCKER.image, "x", { build: { context: UNKNOWN } })],
    ["a user unknown during preview", resource(DOCKER.container, "web", { user: UNKNOWN })],
  ])("cannot verify %s", async (_what, input) => {
    expect(kinds(await judge(nonRootUser, input, ctx))).toEqual(["unverifiable"]);
  });
});
