import { loadParser } from "../../../../policies/pack/inspect/grammars";
import { scriptEnvironment } from "../../../../policies/pack/inspect/script-environment";

async function environmentOf(script: string) {
  const tree = (await loadParser("bash")).parse(script);
  if (!tree) throw new Error("no tree");
  try {
    return scriptEnvironment(tree.rootNode);
  } finally {
    tree.delete();
  }
}

describe("scriptEnvironment", () => {
  it.each([
    ["X=1", ["X"]],
    ['export SECRET_KEY="$(cat /run/secrets/key)"', ["SECRET_KEY"]],
    ["A=1 B=2 exec gunicorn app.wsgi", ["A", "B"]],
    ["exec env -i PORT=8000 HOST=0.0.0.0 gunicorn app.wsgi", ["PORT", "HOST"]],
    ["read -r TOKEN < /run/secrets/token", ["TOKEN"]],
    ["if [ -f x ]; then export LATE=1; fi", ["LATE"]],
    ["export X", []],
  ])("`%s` sets %j", async (script, assigned) => {
    expect(await environmentOf(script)).toEqual({ assigned, open: false });
  });

  it.each([
    [". /etc/app.env"],
    ["source ./env.sh"],
    ['eval "$(vault read -format=env secret/app)"'],
    ["set -a"],
    ["set -o allexport"],
    ["export $(grep -v '^#' .env | xargs)"],
  ])("`%s` may set any variable", async (script) => {
    expect((await environmentOf(script)).open).toBe(true);
  });
});
