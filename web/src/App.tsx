import { useEffect, useState } from "preact/hooks";
import { api } from "./api/client";
import { language, setLanguage, t } from "./i18n";
import { href, useRoute } from "./router";
import { currentUser, isStaff, onSessionChange, refreshToken, signOut } from "./session";
import { Checkin } from "./pages/Checkin";
import { Checkout } from "./pages/Checkout";
import { Login, SignUp } from "./pages/Account";
import { MovieDetail } from "./pages/MovieDetail";
import { Movies } from "./pages/Movies";
import { OrderDetail, Orders } from "./pages/Orders";
import { Pay } from "./pages/Pay";
import { SeatMapPage } from "./pages/SeatMap";

function useSession() {
  const [, bump] = useState(0);
  useEffect(() => onSessionChange(() => bump((n) => n + 1)), []);
  return currentUser();
}

async function logout() {
  const token = refreshToken();
  if (token) await api().POST("/auth/logout", { body: { refresh_token: token } });
  signOut();
  location.hash = "#/";
}

export function App() {
  const route = useRoute();
  const user = useSession();
  const [, setLang] = useState(language());
  const other = language() === "zh" ? "en" : "zh";
  const switchLanguage = () => {
    setLanguage(other);
    setLang(other);
  };
  const page = (() => {
    const id = route.params.id ?? "";
    switch (route.name) {
      case "movies": return <Movies />;
      case "movie": return <MovieDetail key={id} movieId={id} />;
      case "seats": return <SeatMapPage key={id} showtimeId={id} query={route.query} />;
      case "checkout": return <Checkout key={id} showtimeId={id} query={route.query} />;
      case "pay": return <Pay key={id} orderId={id} />;
      case "orders": return <Orders />;
      case "order": return <OrderDetail key={id} orderId={id} />;
      case "signup": return <SignUp next={route.query.get("next")} />;
      case "login": return <Login next={route.query.get("next")} />;
      case "checkin": return <Checkin />;
      default: return <h1>{t("app.notFound")}</h1>;
    }
  })();
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById("main")?.focus();
      }}>{t("app.skip")}</a>
      <header class="top">
        <a class="brand" href={href("/")}>Marquee</a>
        <nav aria-label={t("nav.label")}>
          <a href={href("/")}>{t("nav.movies")}</a>
          {user && <a href={href("/orders")}>{t("nav.orders")}</a>}
          {user && isStaff() && <a href={href("/checkin")}>{t("nav.checkin")}</a>}
        </nav>
        <div class="account">
          {user ? (
            <>
              <span data-testid="signed-in-as">{t("nav.hello", { name: user.nick_name || user.username })}</span>
              <button type="button" class="link" onClick={logout}>{t("nav.logout")}</button>
            </>
          ) : (
            <>
              <a href={href("/login")}>{t("nav.login")}</a>
              <a href={href("/signup")}>{t("nav.signup")}</a>
            </>
          )}
          <button type="button" class="link" lang={other === "zh" ? "zh-CN" : "en"}
            onClick={switchLanguage}>{other === "zh" ? "中文" : "English"}</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </>
  );
}
