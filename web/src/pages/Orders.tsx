import { useEffect, useState } from "preact/hooks";
import { api, money, problemText, type Schemas } from "../api/client";
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

type Order = Schemas["OrderOut"];

function when(order: Order): string {
  return `${dateLabel(order.starts_at)} ${timeLabel(order.starts_at)}`;
}

export function Orders() {
  const signedIn = useSignedIn();
  const [orders, setOrders] = useState<Order[] | null>(null);
  useEffect(() => {
    if (!signedIn) return;
    api().GET("/orders", { params: { query: { limit: 50 } } })
      .then(({ data }) => setOrders(data?.items ?? []));
  }, [signedIn]);
  if (!orders) return <p role="status">{t("app.loading")}</p>;
  return (
    <section>
      <h1>{t("orders.title")}</h1>
      {orders.length === 0 ? <p>{t("orders.none")}</p> : (
        <ul class="orders" data-testid="orders">
          {orders.map((order) => (
            <li key={order.order_id}>
              <a href={href(`/orders/${order.order_id}`)}>{order.number}</a>{" "}
              · {when(order)} · {order.seat_ids.join(", ")} ·{" "}
              {money(order.total, order.currency, locale())} ·{" "}
              <span class={`status ${order.status}`}>{t(`orderStatus.${order.status}`)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function OrderDetail({ orderId }: { orderId: string }) {
  const signedIn = useSignedIn();
  const [order, setOrder] = useState<Order | null>(null);
  const [tickets, setTickets] = useState<Schemas["TicketOut"][]>([]);
  const [error, setError] = useState("");
  const [notice, setNotice] = useState("");

  const load = async () => {
    const found = await fetchOrder(orderId);
    if (typeof found === "string") {
      setError(found);
      return;
    }
    setOrder(found);
    if (found.status === "paid" || found.status === "used") {
      const { data } = await api().GET("/orders/{order_id}/tickets", {
        params: { path: { order_id: orderId } },
      });
      setTickets(data ?? []);
    } else setTickets([]);
  };
  useEffect(() => {
    if (signedIn) load();
  }, [orderId, signedIn]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!order) return <p role="status">{t("app.loading")}</p>;
  const status = order.status;

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
      <h1>{t("order.title", { number: order.number })}</h1>
      <p>
        {when(order)} · {order.seat_ids.join(", ")} ·{" "}
        {money(order.total, order.currency, locale())}
      </p>
      <p>
        {t("order.status")}{" "}
        <strong class={`status ${status}`} data-testid="order-status">{t(`orderStatus.${status}`)}</strong>
        {order.status_reason && <span class="muted"> ({order.status_reason})</span>}
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
              <li key={ticket.ticket_id} class="ticket">
                <Qr value={ticket.code} label={t("order.qr", { seat: ticket.seat_id })} />
                <div>
                  <strong>{t("order.seat", { seat: ticket.seat_id })}</strong>
                  <p>{t(`ticketStatus.${ticket.status}`)}</p>
                  <details>
                    <summary>{t("order.code")}</summary>
                    <code class="ticket-code">{ticket.code}</code>
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
