import { buildApp } from "./support/app-build";
import { captureStack } from "./support/stack";
import { Instance } from "./support/instance";
(async () => {
  let t = Date.now();
  const stack = await captureStack();
  console.log("capture", Date.now() - t);
  t = Date.now();
  const app = await buildApp(stack.appBuild);
  console.log("build", Date.now() - t);
  t = Date.now();
  const inst = new Instance(app);
  try {
    const r = await inst.deploy(stack);
    console.log(
      "deploy",
      Date.now() - t,
      r.failed,
      inst
        .container("local-proxy-server")
        .logs()
        .split("\n")
        .filter((l) => /error|listen|server/i.test(l))
        .join("\n"),
    );
    const addr = inst.network.resolve("local-proxy-server");
    console.log(await inst.run(["curl", "-skv", "--resolve", `localhost:443:${addr}`, "https://localhost/"]));
  } finally {
    await inst.destroy();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
