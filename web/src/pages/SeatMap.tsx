// The seat map of one showtime: a grid of seat buttons (roving focus: arrow keys move, Space
// or Enter picks), each labelled for screen readers; refreshed every few seconds while open.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, money, problemText, type Schemas } from "../api/client";
import { dateLabel, locale, t, timeLabel } from "../i18n";
import { go } from "../router";
import { currentUser } from "../session";

export const MAX_SEATS = 6;
const REFRESH_MS = 5000;

interface SeatView {
  id: string;
  row: string;
  number: string;
  type: Schemas["SeatOut"]["type"];
  status: Schemas["SeatOut"]["status"];
  price: number;
}
interface RowView {
  label: string;
  cells: (SeatView | null)[];
}
interface Conflict {
  kind: "unavailable" | "stranded" | "taken";
  seats: string[];
}

/** The seat map's rows as the grid shows them (a seat's number is its id after the row). */
function readSeatMap(map: Schemas["SeatMapOut"]): RowView[] {
  return map.rows.map(({ row: label, cells }) => ({
    label,
    cells: cells.map((seat) =>
      seat === null
        ? null
        : {
            id: seat.seat_id,
            row: label,
            number: String(Number(seat.seat_id.slice(label.length)) || seat.seat_id),
            type: seat.type,
            status: seat.status,
            price: seat.price,
          },
    ),
  }));
}

type SeatProblem = Schemas["Problem"] | Schemas["SeatsUnavailable"] | Schemas["StrandedSeats"];

function isUnavailable(problem: SeatProblem): problem is Schemas["SeatsUnavailable"] {
  return problem.type === "urn:marquee:problem:seats-unavailable";
}

function isStranded(problem: SeatProblem): problem is Schemas["StrandedSeats"] {
  return problem.type === "urn:marquee:problem:stranded-seats";
}

/** The seats a 409 names, told apart by the problem's ``type``. */
export function conflictOf(problem: SeatProblem | undefined): Conflict | null {
  if (!problem) return null;
  if (isUnavailable(problem)) return { kind: "unavailable", seats: problem.unavailable_seats };
  if (isStranded(problem)) return { kind: "stranded", seats: problem.stranded_seats };
  return null;
}

function seatLabel(seat: SeatView, currency: string, selected: boolean, conflict: boolean): string {
  const parts = [
    t("seat.position", { row: seat.row, number: seat.number }),
    t(`seatType.${seat.type}`),
    money(seat.price, currency, locale()),
    selected ? t("seat.selected") : t(`seatStatus.${seat.status}`),
  ];
  if (conflict) parts.push(t("seat.inConflict"));
  return parts.join(", ");
}

function nextSeat(rows: RowView[], r: number, c: number, key: string): [number, number] | null {
  const row = rows[r];
  if (!row) return null;
  if (key === "ArrowLeft" || key === "ArrowRight") {
    const step = key === "ArrowRight" ? 1 : -1;
    for (let i = c + step; i >= 0 && i < row.cells.length; i += step) if (row.cells[i]) return [r, i];
    return null;
  }
  if (key === "Home" || key === "End") {
    const order = row.cells.map((_, i) => i);
    if (key === "End") order.reverse();
    const found = order.find((i) => row.cells[i]);
    return found === undefined ? null : [r, found];
  }
  const step = key === "ArrowDown" ? 1 : key === "ArrowUp" ? -1 : 0;
  if (!step) return null;
  for (let j = r + step; j >= 0 && j < rows.length; j += step) {
    const cells = rows[j]!.cells;
    for (let d = 0; d < cells.length; d++) {
      if (cells[c - d]) return [j, c - d];
      if (cells[c + d]) return [j, c + d];
    }
  }
  return null;
}

export function SeatMapPage({ showtimeId, query }: { showtimeId: string; query: URLSearchParams }) {
  const [show, setShow] = useState<Schemas["ShowtimeOut"] | null>(null);
  const [title, setTitle] = useState("");
  const [rows, setRows] = useState<RowView[] | null>(null);
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<string[]>(() => (query.get("seats") ?? "").split(",").filter(Boolean));
  const [conflict, setConflict] = useState<Conflict | null>(() => {
    const seats = (query.get("unavailable") ?? "").split(",").filter(Boolean);
    return seats.length ? { kind: "unavailable", seats } : null;
  });
  const [notice, setNotice] = useState("");
  const [focus, setFocus] = useState<[number, number] | null>(null);
  const [busy, setBusy] = useState(false);
  const grid = useRef<HTMLDivElement>(null);

  const load = async () => {
    const { data, error: problem, response } = await api().GET("/showtimes/{showtime_id}/seats", {
      params: { path: { showtime_id: showtimeId } },
    });
    if (!response.ok) {
      setError(problemText(problem, t("app.failed")));
      return;
    }
    if (!data) return;
    const fresh = readSeatMap(data);
    setRows(fresh);
    const free = new Set(fresh.flatMap((r) => r.cells).filter((s) => s?.status === "available").map((s) => s!.id));
    setSelected((current) => {
      const lost = current.filter((id) => !free.has(id));
      if (lost.length) {
        setNotice(t("seat.justTaken", { seats: lost.join(", ") }));
        setConflict({ kind: "taken", seats: lost });
      }
      return current.filter((id) => free.has(id));
    });
  };

  useEffect(() => {
    api().GET("/showtimes/{showtime_id}", { params: { path: { showtime_id: showtimeId } } }).then(({ data }) => {
      if (!data) return;
      setShow(data);
      api().GET("/movies/{movie_id}", { params: { path: { movie_id: data.movie_id } } })
        .then(({ data: movie }) => setTitle(movie?.title ?? ""));
    });
    load();
    const timer = setInterval(() => {
      if (!document.hidden) load();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [showtimeId]);

  useEffect(() => {
    if (!focus || !grid.current) return;
    const button = grid.current.querySelector<HTMLButtonElement>(`[data-pos="${focus[0]}-${focus[1]}"]`);
    if (button && document.activeElement !== button) button.focus();
  }, [focus]);

  if (error) return <p class="error" role="alert">{error}</p>;
  if (!rows || !show) return <p role="status">{t("app.loading")}</p>;

  const seats = rows.flatMap((r) => r.cells).filter((s): s is SeatView => s !== null);
  const byId = new Map(seats.map((s) => [s.id, s]));
  const total = selected.reduce((sum, id) => sum + (byId.get(id)?.price ?? 0), 0);
  const first = (() => {
    for (let r = 0; r < rows.length; r++) {
      const c = rows[r]!.cells.findIndex((s) => s?.status === "available");
      if (c >= 0) return [r, c] as [number, number];
    }
    return [0, rows[0]?.cells.findIndex(Boolean) ?? 0] as [number, number];
  })();
  const current = focus ?? first;
  const conflicted = new Set(conflict?.seats ?? []);

  const toggle = (seat: SeatView) => {
    setNotice("");
    if (selected.includes(seat.id)) {
      setSelected(selected.filter((id) => id !== seat.id));
      return;
    }
    if (seat.status !== "available") {
      setNotice(t("seat.notAvailable", { seat: seat.id }));
      return;
    }
    if (selected.length >= MAX_SEATS) {
      setNotice(t("seat.max", { n: String(MAX_SEATS) }));
      return;
    }
    setConflict(null);
    setSelected([...selected, seat.id]);
  };

  const keyDown = (e: KeyboardEvent, r: number, c: number) => {
    const target = nextSeat(rows, r, c, e.key);
    if (target) {
      e.preventDefault();
      setFocus(target);
    }
  };

  const proceed = async () => {
    if (!currentUser()) {
      go("/login", { next: `/showtimes/${showtimeId}?seats=${selected.join(",")}` });
      return;
    }
    setBusy(true);
    setNotice("");
    // A quote checks every rule an order checks (the stranded-seat rule too) without holding.
    const { error: problem, response } = await api().POST("/orders/quote", {
      body: { showtime_id: showtimeId, seat_ids: selected },
    });
    setBusy(false);
    if (response.ok) {
      go(`/checkout/${showtimeId}`, { seats: selected.join(",") });
      return;
    }
    const found = conflictOf(problem);
    if (found) setConflict(found);
    else setNotice(problemText(problem, t("app.failed")));
    load();
  };

  const types = [...new Set(seats.map((s) => s.type))];
  return (
    <section class="seatmap-page">
      <h1>{title || t("seat.title")}</h1>
      <p>
        {dateLabel(show.starts_at)} {timeLabel(show.starts_at)} · {show.format} · {show.language}
      </p>
      {conflict && (
        <div class="error" role="alert" data-testid="seat-conflict">
          {t(`seat.conflict.${conflict.kind}`, { seats: conflict.seats.join(", ") })}
        </div>
      )}
      <div class="screen" aria-hidden="true">{t("seat.screen")}</div>
      <div class="seatmap" role="grid" aria-label={t("seat.gridLabel")} ref={grid}
        aria-describedby="seat-help" data-testid="seat-map">
        {rows.map((row, r) => (
          <div role="row" class="seat-row" key={row.label}>
            <span role="rowheader" class="row-label">{row.label}</span>
            {row.cells.map((seat, c) =>
              seat ? (
                <span role="gridcell" key={seat.id}>
                  <button type="button" data-seat={seat.id} data-status={seat.status} data-pos={`${r}-${c}`}
                    class={`seat ${seat.type} ${selected.includes(seat.id) ? "selected" : seat.status}${conflicted.has(seat.id) ? " conflict" : ""}`}
                    tabIndex={current[0] === r && current[1] === c ? 0 : -1}
                    aria-pressed={selected.includes(seat.id)}
                    aria-disabled={seat.status !== "available" && !selected.includes(seat.id)}
                    aria-label={seatLabel(seat, show.currency, selected.includes(seat.id), conflicted.has(seat.id))}
                    onClick={() => { setFocus([r, c]); toggle(seat); }}
                    onKeyDown={(e) => keyDown(e, r, c)}>
                    {seat.number}
                  </button>
                </span>
              ) : (
                <span class="aisle" aria-hidden="true" key={`gap-${c}`} />
              ),
            )}
          </div>
        ))}
      </div>
      <p id="seat-help" class="hint">{t("seat.help", { n: String(MAX_SEATS) })}</p>
      <ul class="legend" aria-label={t("seat.legend")}>
        {["available", "selected", "held", "sold", "blocked"].map((status) => (
          <li key={status}><span class={`swatch seat standard ${status}`} aria-hidden="true" />{t(`seatStatus.${status}`)}</li>
        ))}
        {types.map((type) => (
          <li key={type}>
            <span class={`swatch seat ${type} available`} aria-hidden="true" />
            {t(`seatType.${type}`)} {money(show.prices[type] ?? 0, show.currency, locale())}
          </li>
        ))}
      </ul>
      <div class="summary" aria-live="polite" data-testid="selection">
        {selected.length
          ? t("seat.summary", { seats: selected.join(", "), total: money(total, show.currency, locale()) })
          : t("seat.pick", { n: String(MAX_SEATS) })}
      </div>
      {notice && <p class="error" role="alert">{notice}</p>}
      <button type="button" class="primary" disabled={!selected.length || busy} onClick={proceed}>
        {t("seat.continue")}
      </button>
    </section>
  );
}
