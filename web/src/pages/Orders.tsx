import { useEffect, useState } from "preact/hooks";
import { api, money, problemText } from "../api/client";
import { list, maybeText, record, text, texts, type Json } from "../api/narrow";
import { Qr } from "../components/Qr";
import { dateLabel, locale, t, timeLabel } from "../i18n";
import { go, href } from "../router";
import { currentUser } from "../session";
import { fetchOrder } from "./Pay";

function useSignedIn(): boolean {
  const signedIn = currentUser() !== null;
  useEffect(() => {
    if (!signedIn) go("/login", { next: location.hash.slice(1) }, true);
  }, [signedIn]);
  return signedIn;
}

function when(order: Json): string {
  const starts = text(order, "starts_at");
  return `${dateLabel(starts)} ${timeLabel(starts)}`;
}

export function Orders() {
  const signedIn = useSignedIn();
  const [orders, setOrders] = useState<Json[] | null>(null);
  useEffect(() => {
    if (!signedIn) return;
    // order list items have no response model yet: read the fields shown below
    api().GET("/orders", { params: { query: { limit: 50 } } })
      .then(({ data }) => setOrders((data?.items ?? []).map((o) => record(o, "order"))));
  }, [signedIn]);
  if (!orders) return <p role="status">{t("app.loading")}</p>;
  return (
    <section>
      <h1>{t("orders.title")}</h1>
      {orders.length === 0 ? <p>{t("orders.none")}</p> : (
        <ul class="orders" data-testid="orders">
          {orders.map((order) => (
            <li key={text(order, "order_id")}>
              <a href={href(`/orders/${text(order, "order_id")}`)}>{text(order, "number")}</a>{" "}
              · {when(order)} · {texts(order, "seat_ids").join(", ")} ·{" "}
              {money(Number(order.total), text(order, "currency"), locale())} ·{" "}
              <span class={`status ${text(order, "status")}`}>{t(`orderStatus.${text(order, "status")}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function OrderDetail({ orderId }: { orderId: string }) {
  const signedIn = useSignedIn();
  const [order, setOrder] = useState<Json | null>(null);
  const [tickets, setTickets] = useState<Json[]>([]);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");

  const load = async () => {
    const found = await fetchOrder(orderId);
    if (typeof found === "string") {
      setError(found);
      return;
    }
    setOrder(found);
    if (["paid", "used"].includes(text(found, "status"))) {
      const { data } = await api().GET("/orders/{order_id}/tickets", {
        params: { path: { order_id: orderId } },
      });
      // tickets have no response model yet: each is read for its seat, code and status
      setTickets(list(data as unknown, "tickets").map((x) => record(x, "ticket")));
    } else setTickets([]);
  };
  useEffect(() => {
    if (signedIn) load();
  }, [orderId, signedIn]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!order) return <p role="status">{t("app.loading")}</p>;
  const status = text(order, "status");

  const cancel = async () => {
    if (!confirm(t("order.confirmCancel"))) return;
    const { error: problem, response } = await api().POST("/orders/{order_id}/cancel", {
      params: { path: { order_id: orderId } },
    });
    setNotice(response.ok ? t("order.cancelled") : problemText(problem, t("app.failed")));
    load();
  };

  return (
    <section data-testid="order">
      <h1>{t("order.title", { number: text(order, "number") })}</h1>
      <p>
        {when(order)} · {texts(order, "seat_ids").join(", ")} ·{" "}
        {money(Number(order.total), text(order, "currency"), locale())}
      </p>
      <p>
        {t("order.status")}{" "}
        <strong class={`status ${status}`} data-testid="order-status">{t(`orderStatus.${status}`)}</strong>
        {maybeText(order, "status_reason") && <span class="muted"> ({maybeText(order, "status_reason")})</span>}
      </p>
      {notice && <p role="status">{notice}</p>}
      {status === "pending_payment" && (
        <p><a class="button primary" href={href(`/orders/${orderId}/pay`)}>{t("order.pay")}</a></p>
      )}
      {tickets.length > 0 && (
        <>
          <h2>{t("order.tickets")}</h2>
          <ul class="tickets" data-testid="tickets">
            {tickets.map((ticket) => (
              <li key={text(ticket, "ticket_id")} class="ticket">
                <Qr value={text(ticket, "code")} label={t("order.qr", { seat: text(ticket, "seat_id") })} />
                <div>
                  <strong>{t("order.seat", { seat: text(ticket, "seat_id") })}</strong>
                  <p>{t(`ticketStatus.${text(ticket, "status")}`)}</p>
                  <details>
                    <summary>{t("order.code")}</summary>
                    <code class="ticket-code">{text(ticket, "code")}</code>
                  </details>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
      {(status === "pending_payment" || status === "paid") && (
        <button type="button" onClick={cancel}>{t("order.cancel")}</button>
      )}
    </section>
  );
}
