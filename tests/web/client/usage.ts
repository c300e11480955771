// A frontend's use of the types openapi-typescript generates from /openapi.json: the seat
// map, an order (placed and read), tickets and a check-in. `Typed<T>` is `true` only when
// no part of T is `any` or `unknown`, so a loose schema anywhere under these answers is a
// compile error here, not a surprise in a client.
import type { components, paths } from "./schema";

type S = components["schemas"];
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? { [C in keyof R]: R[C] extends { content: { "application/json": infer B } } ? B : never }[keyof R]
  : never;

type Typed<T> = 0 extends 1 & T
  ? false
  : unknown extends T
    ? false
    : T extends readonly (infer U)[]
      ? Typed<U>
      : T extends object
        ? false extends { [K in keyof T]-?: Typed<T[K]> }[keyof T]
          ? false
          : true
        : true;
type Expect<T extends true> = T;

export type Checked = [
  Expect<Typed<Json<"/showtimes/{showtime_id}/seats", "get">>>,
  Expect<Typed<Json<"/orders", "post">>>,
  Expect<Typed<Json<"/orders/{order_id}", "get">>>,
  Expect<Typed<Json<"/orders/{order_id}/tickets", "get">>>,
  Expect<Typed<Json<"/checkin", "post">>>,
  Expect<Typed<S["SeatsUnavailable"]>>,
];

// What a seat-map page does with the answer: every field has the type it is used as.
export function seatLabels(map: S["SeatMapOut"]): string[] {
  return map.rows.flatMap((row) =>
    row.cells.flatMap((seat) =>
      seat === null ? [] : [`${row.row}:${seat.seat_id}:${seat.type}:${seat.status}:${seat.price.toFixed(0)}`],
    ),
  );
}

export function orderLine(placed: S["PlacedOrder"]): string {
  const order: S["OrderOut"] = placed.order;
  const paying = placed.payment ? placed.payment.client_secret.length : 0;
  const seats: string = order.seat_ids.join(",");
  const status: "pending_payment" | "paid" | "refunded" | "used" | "cancelled" | "expired" =
    order.status;
  return `${order.number} ${seats} ${(order.total - order.discount).toFixed(0)} ${status} ${paying}`;
}

export function ticketCodes(tickets: S["TicketOut"][]): string[] {
  return tickets.filter((t) => t.status === "valid").map((t) => `${t.seat_id}=${t.code}`);
}
