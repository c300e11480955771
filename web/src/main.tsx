import { render } from "preact";
import { App } from "./App";
import { loadConfig } from "./config";
import { setLanguage, language, t } from "./i18n";
import "./styles.css";

const root = document.getElementById("app")!;
setLanguage(language());
loadConfig().then(
  () => render(<App />, root),
  (error: unknown) => {
    root.textContent = `${t("app.configError")} ${String(error)}`;
  },
);
