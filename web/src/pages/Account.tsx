import { useState } from "preact/hooks";
import { api, problemText } from "../api/client";
import { t } from "../i18n";
import { go, href } from "../router";
import { signIn } from "../session";

function after(next: string | null) {
  go(next && next.startsWith("/") ? next : "/", undefined, true);
}

export function SignUp({ next }: { next: string | null }) {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const sendCode = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    const { error: problem, response } = await api().POST("/auth/codes", {
      body: { email, purpose: "register" },
    });
    setBusy(false);
    if (response.status === 202) setSent(true);
    else if (response.status === 409) setError(t("signup.exists"));
    else if (response.status === 429) {
      setError(t("signup.wait", { seconds: response.headers.get("Retry-After") ?? "60" }));
    } else setError(problemText(problem, t("app.failed")));
  };

  const register = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError("");
    const { data, error: problem } = await api().POST("/auth/register", {
      body: {
        email,
        code: String(form.get("code") ?? "").trim(),
        username: String(form.get("username") ?? "").trim(),
        password: String(form.get("password") ?? ""),
      },
    });
    setBusy(false);
    if (data) {
      signIn(data);
      after(next);
    } else setError(problemText(problem, t("app.failed")));
  };

  return (
    <section class="narrow">
      <h1>{t("signup.title")}</h1>
      <form onSubmit={sendCode}>
        <label for="signup-email">{t("signup.email")}</label>
        <input id="signup-email" type="email" required autocomplete="email" value={email}
          onInput={(e) => setEmail(e.currentTarget.value)} disabled={sent} />
        {!sent && <button type="submit" disabled={busy}>{t("signup.sendCode")}</button>}
      </form>
      {sent && (
        <form onSubmit={register}>
          <p role="status">{t("signup.codeSent", { email })}</p>
          <label for="signup-code">{t("signup.code")}</label>
          <input id="signup-code" name="code" required inputMode="numeric" pattern="\d{6}"
            autocomplete="one-time-code" />
          <label for="signup-username">{t("signup.username")}</label>
          <input id="signup-username" name="username" required minLength={3} maxLength={30}
            autocomplete="username" />
          <label for="signup-password">{t("signup.password")}</label>
          <input id="signup-password" name="password" type="password" required minLength={8}
            autocomplete="new-password" aria-describedby="password-rule" />
          <p id="password-rule" class="hint">{t("signup.passwordRule")}</p>
          <button type="submit" disabled={busy}>{t("signup.submit")}</button>
        </form>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      <p>{t("signup.haveAccount")} <a href={href("/login", next ? { next } : undefined)}>{t("nav.login")}</a></p>
    </section>
  );
}

export function Login({ next }: { next: string | null }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError("");
    const { data, error: problem, response } = await api().POST("/auth/login", {
      body: { login: String(form.get("login") ?? "").trim(), password: String(form.get("password") ?? "") },
    });
    setBusy(false);
    if (data) {
      signIn(data);
      after(next);
    } else if (response.status === 429) {
      setError(t("login.locked"));
    } else setError(problemText(problem, t("app.failed")));
  };
  return (
    <section class="narrow">
      <h1>{t("login.title")}</h1>
      <form onSubmit={submit}>
        <label for="login-name">{t("login.login")}</label>
        <input id="login-name" name="login" required autocomplete="username" />
        <label for="login-password">{t("login.password")}</label>
        <input id="login-password" name="password" type="password" required
          autocomplete="current-password" />
        <button type="submit" disabled={busy}>{t("login.submit")}</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <p>{t("login.noAccount")} <a href={href("/signup", next ? { next } : undefined)}>{t("nav.signup")}</a></p>
    </section>
  );
}
