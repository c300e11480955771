// Before the hold: the server's quote for the chosen seats, a coupon, then one click holds
// the seats and creates the order (an Idempotency-Key makes a retried click harmless).
import { useEffect, useState } from "preact/hooks";
import { api, money, problemText, type Schemas } from "../api/client";
import { locale, t } from "../i18n";
import { go } from "../router";
import { currentUser } from "../session";
import { rememberPayment } from "./Pay";
import { conflictOf } from "./SeatMap";

function newKey(): string {
  return crypto.randomUUID();
}

export function Checkout({ showtimeId, query }: { showtimeId: string; query: URLSearchParams }) {
  const seats = (query.get("seats") ?? "").split(",").filter(Boolean);
  const [quote, setQuote] = useState<Schemas["QuoteOut"] | null>(null);
  const [coupons, setCoupons] = useState<Schemas["MyCouponOut"][]>([]);
  const [coupon, setCoupon] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [key] = useState(newKey);

  useEffect(() => {
    if (!currentUser()) go("/login", { next: location.hash.slice(1) }, true);
  }, []);
  useEffect(() => {
    api().GET("/me/coupons", {
      params: { query: { showtime_id: showtimeId, seat_ids: seats.join(","), limit: 50 } },
    }).then(({ data }) => setCoupons(data?.items ?? []));
  }, [showtimeId]);
  useEffect(() => {
    api().POST("/orders/quote", {
      body: { showtime_id: showtimeId, seat_ids: seats, coupon_id: coupon || null },
    }).then(({ data, error: problem }) => {
      if (data) setQuote(data);
      else setError(problemText(problem, t("app.failed")));
    });
  }, [showtimeId, coupon]);

  const hold = async () => {
    setBusy(true);
    setError("");
    const { data, error: problem, response } = await api().POST("/orders", {
      params: { header: { "Idempotency-Key": key } },
      body: { showtime_id: showtimeId, seat_ids: seats, coupon_id: coupon || null },
    });
    setBusy(false);
    if (data) {
      const orderId = data.order.order_id;
      if (data.payment) rememberPayment(orderId, data.payment.client_secret);
      go(`/orders/${orderId}/pay`, undefined, true);
      return;
    }
    const conflict = response.status === 409 ? conflictOf(problem) : null;
    if (conflict) {
      // back to the map, which shows the seats that were taken
      const params: Record<string, string> = { [conflict.kind]: conflict.seats.join(",") };
      go(`/showtimes/${showtimeId}`, params, true);
      return;
    }
    setError(problemText(problem, t("app.failed")));
  };

  return (
    <section class="narrow" data-testid="checkout">
      <h1>{t("checkout.title")}</h1>
      {quote ? (
        <table class="lines">
          <caption class="visually-hidden">{t("checkout.lines")}</caption>
          <thead>
            <tr><th scope="col">{t("checkout.seat")}</th><th scope="col">{t("checkout.price")}</th></tr>
          </thead>
          <tbody>
            {quote.lines.map((line) => (
              <tr key={line.seat_id}>
                <td>{line.seat_id} · {t(`seatType.${line.seat_type}`)}</td>
                <td>{money(line.price, quote.currency, locale())}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            {quote.discount > 0 && (
              <tr><th scope="row">{t("checkout.discount")}</th><td>−{money(quote.discount, quote.currency, locale())}</td></tr>
            )}
            <tr><th scope="row">{t("checkout.total")}</th><td data-testid="total">{money(quote.total, quote.currency, locale())}</td></tr>
          </tfoot>
        </table>
      ) : (
        !error && <p role="status">{t("app.loading")}</p>
      )}
      <label for="coupon">{t("checkout.coupon")}</label>
      <select id="coupon" value={coupon} onChange={(e) => setCoupon(e.currentTarget.value)}>
        <option value="">{t("checkout.noCoupon")}</option>
        {coupons.map((c) => (
          <option key={c.coupon_id} value={c.coupon_id} disabled={!c.eligible}>
            {c.name}
            {c.eligible ? "" : ` (${c.reason ?? t("checkout.notEligible")})`}
          </option>
        ))}
      </select>
      {quote?.coupon_problem && <p class="error" role="alert">{quote.coupon_problem}</p>}
      <p class="hint">{t("checkout.holdHint")}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="button" class="primary" disabled={!quote || busy} onClick={hold}>
        {t("checkout.hold")}
      </button>
    </section>
  );
}
