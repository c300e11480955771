// `node e2e/run.mjs SCENARIO` with the scenario's input as JSON in E2E_INPUT and its
// screenshots written under E2E_ARTIFACTS; prints the scenario's result as JSON.
import * as scenarios from "./scenarios.mjs";
import { launch } from "./browser.mjs";

const [name] = process.argv.slice(2);
const scenario = scenarios[name];
if (!scenario) {
  console.error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
const input = JSON.parse(process.env.E2E_INPUT ?? "{}");
const browser = await launch();
try {
  const result = await scenario(browser, input, process.env.E2E_ARTIFACTS ?? `artifacts/${name}`);
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exitCode = 1;
} finally {
  await browser.close();
}
