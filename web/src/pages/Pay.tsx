// The held order: a countdown of the hold, the card form (Stripe Elements) and Pay. After
// Stripe confirms, the order turns paid when the API receives Stripe's webhook; this page
// waits for that, then shows the tickets.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, money, problemText, type Schemas } from "../api/client";
import { Countdown } from "../components/Countdown";
import { locale, t } from "../i18n";
import { go, href } from "../router";
import { payByCard, stripe, type CardElement } from "../payments/stripe";

const SECRET_KEY = "marquee.payment.";

export function rememberPayment(orderId: string, clientSecret: string): void {
  localStorage.setItem(SECRET_KEY + orderId, clientSecret);
}

function paymentSecret(orderId: string): string | null {
  return localStorage.getItem(SECRET_KEY + orderId);
}

type Order = Schemas["OrderOut"];

/** The order, or why it could not be read (a message for people). */
export async function fetchOrder(orderId: string): Promise<Order | string> {
  const { data, error } = await api().GET("/orders/{order_id}", {
    params: { path: { order_id: orderId } },
  });
  return data ?? problemText(error, t("app.failed"));
}

export function Pay({ orderId }: { orderId: string }) {
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState("");
  const [stage, setStage] = useState<"ready" | "paying" | "confirming">("ready");
  const [expired, setExpired] = useState(false);
  const cardBox = useRef<HTMLDivElement>(null);
  const card = useRef<CardElement | null>(null);
  const secret = paymentSecret(orderId);

  useEffect(() => {
    fetchOrder(orderId).then((found) => (typeof found === "string" ? setError(found) : setOrder(found)));
  }, [orderId]);

  const pending = order !== null && order.status === "pending_payment";
  useEffect(() => {
    if (!pending || !secret || !cardBox.current || card.current) return;
    stripe().then(
      (js) => {
        if (!cardBox.current || card.current) return;
        card.current = js.elements().create("card");
        card.current.mount(cardBox.current);
      },
      (failure: unknown) => setError(String(failure)),
    );
    return () => {
      card.current?.destroy();
      card.current = null;
    };
  }, [pending, secret]);

  if (!order) return error ? <p class="error" role="alert">{error}</p> : <p role="status">{t("app.loading")}</p>;
  const status = order.status;
  if (status !== "pending_payment") {
    return (
      <section class="narrow">
        <h1>{t("pay.title")}</h1>
        <p>{t(`orderStatus.${status}`)}</p>
        <a href={href(`/orders/${orderId}`)}>{t("pay.viewOrder")}</a>
      </section>
    );
  }
  const currency = order.currency;

  const waitUntilPaid = async () => {
    setStage("confirming");
    for (let i = 0; i < 60; i++) {
      const found = await fetchOrder(orderId);
      if (typeof found !== "string" && found.status !== "pending_payment") {
        go(`/orders/${orderId}`, undefined, true);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    setError(t("pay.slow"));
    setStage("ready");
  };

  const pay = async (e: Event) => {
    e.preventDefault();
    if (!secret || !card.current) return;
    setStage("paying");
    setError("");
    const failure = await payByCard(secret, card.current);
    if (failure) {
      // the order stays pending and its seats held until the countdown ends: try again
      setError(t("pay.declined", { message: failure }));
      setStage("ready");
      return;
    }
    await waitUntilPaid();
  };

  return (
    <section class="narrow" data-testid="pay">
      <h1>{t("pay.title")}</h1>
      <p>{t("pay.order", { number: order.number })}</p>
      <Countdown until={order.hold_expires_at} onExpired={() => setExpired(true)} />
      <p>
        {t("pay.seats", { seats: order.seat_ids.join(", ") })} ·{" "}
        <strong data-testid="pay-total">{money(order.total, currency, locale())}</strong>
      </p>
      {!secret ? (
        <p class="error" role="alert">{t("pay.noSecret")}</p>
      ) : (
        <form onSubmit={pay}>
          <fieldset>
            <legend>{t("pay.card")}</legend>
            <div ref={cardBox} class="card-element" data-testid="card-element" />
          </fieldset>
          <p class="hint">{t("pay.testCard")}</p>
          {error && <p class="error" role="alert" data-testid="pay-error">{error}</p>}
          <button type="submit" class="primary" disabled={stage !== "ready" || expired}>
            {stage === "ready" ? t("pay.submit", { total: money(order.total, currency, locale()) }) : t("pay.processing")}
          </button>
        </form>
      )}
      <p><a href={href(`/orders/${orderId}`)}>{t("pay.viewOrder")}</a></p>
    </section>
  );
}
