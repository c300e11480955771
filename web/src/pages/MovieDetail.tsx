import { useEffect, useState } from "preact/hooks";
import { api, money, problemText, type Schemas } from "../api/client";
import { dateLabel, locale, t, timeLabel } from "../i18n";
import { go, href } from "../router";
import { currentUser } from "../session";

type Movie = Schemas["MovieOut"];
type Showtime = Schemas["ShowtimeOut"];

function localDay(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function needLogin(): boolean {
  if (currentUser()) return false;
  go("/login", { next: location.hash.slice(1) });
  return true;
}

function Showtimes({ movieId }: { movieId: string }) {
  const [shows, setShows] = useState<Showtime[] | null>(null);
  const [cinemas, setCinemas] = useState<Record<string, string>>({});
  useEffect(() => {
    api().GET("/showtimes", { params: { query: { movie: movieId, limit: 100 } } })
      .then(({ data }) => setShows(data?.items ?? []));
    api().GET("/cinemas", { params: { query: { movie: movieId, limit: 100 } } })
      .then(({ data }) =>
        setCinemas(Object.fromEntries((data?.items ?? []).map((c) => [c.cinema_id, c.name]))));
  }, [movieId]);
  if (shows === null) return <p role="status">{t("app.loading")}</p>;
  if (!shows.length) return <p>{t("movie.noShowtimes")}</p>;
  const grouped = new Map<string, Map<string, Showtime[]>>();
  for (const show of [...shows].sort((a, b) => a.starts_at.localeCompare(b.starts_at))) {
    const byDay = grouped.get(show.cinema_id) ?? new Map<string, Showtime[]>();
    const day = localDay(show.starts_at);
    byDay.set(day, [...(byDay.get(day) ?? []), show]);
    grouped.set(show.cinema_id, byDay);
  }
  return (
    <div class="showtimes" data-testid="showtimes">
      {[...grouped].map(([cinemaId, byDay]) => (
        <section key={cinemaId} aria-labelledby={`cinema-${cinemaId}`}>
          <h3 id={`cinema-${cinemaId}`}>{cinemas[cinemaId] ?? t("movie.cinema")}</h3>
          {[...byDay].map(([day, list]) => (
            <div class="day" key={day}>
              <h4>{dateLabel(day)}</h4>
              <ul class="times">
                {list.map((show) => {
                  const lowest = Math.min(...Object.values(show.prices));
                  return (
                    <li key={show.showtime_id}>
                      <a class="time" href={href(`/showtimes/${show.showtime_id}`)}>
                        <strong>{timeLabel(show.starts_at)}</strong>
                        <span>{show.format} · {show.language}</span>
                        <span>{t("movie.from", { price: money(lowest, show.currency, locale()) })}</span>
                      </a>
                    </li>
                  );
                })}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}

function Comments({ movieId }: { movieId: string }) {
  const [items, setItems] = useState<Schemas["ThreadOut"][]>([]);
  const [error, setError] = useState("");
  const load = () =>
    api().GET("/movies/{movie_id}/comments", { params: { path: { movie_id: movieId }, query: { limit: 20 } } })
      .then(({ data }) => setItems(data?.items ?? []));
  useEffect(() => {
    load();
  }, [movieId]);
  const post = async (e: Event) => {
    e.preventDefault();
    if (needLogin()) return;
    const form = e.currentTarget as HTMLFormElement;
    const body = String(new FormData(form).get("body") ?? "").trim();
    if (!body) return;
    const { error: problem, response } = await api().POST("/movies/{movie_id}/comments", {
      params: { path: { movie_id: movieId } },
      body: { body },
    });
    if (response.ok) {
      form.reset();
      setError("");
      load();
    } else setError(problemText(problem, t("app.failed")));
  };
  return (
    <section aria-labelledby="comments-title">
      <h2 id="comments-title">{t("movie.comments")}</h2>
      <form onSubmit={post} class="comment-form">
        <label for="comment-body">{t("movie.writeComment")}</label>
        <textarea id="comment-body" name="body" maxLength={500} rows={3} />
        <button type="submit">{t("movie.post")}</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      <ul class="comments">
        {items.map((c) => (
          <li key={c.comment_id}>
            {c.deleted ? (
              <em class="muted">{t("movie.deletedComment")}</em>
            ) : (
              <>
                <strong>{c.author?.name ?? ""}</strong>
                <p>{c.body}</p>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function MovieDetail({ movieId }: { movieId: string }) {
  const [movie, setMovie] = useState<Movie | null>(null);
  const [missing, setMissing] = useState(false);
  const [wanted, setWanted] = useState<boolean | null>(null);
  const [stars, setStars] = useState<number | null>(null);

  useEffect(() => {
    api().GET("/movies/{movie_id}", { params: { path: { movie_id: movieId } } })
      .then(({ data }) => (data ? setMovie(data) : setMissing(true)));
    if (currentUser()) {
      api().GET("/movies/{movie_id}/rating", { params: { path: { movie_id: movieId } } })
        .then(({ data }) => setStars(data?.stars ?? null));
    }
  }, [movieId]);

  if (missing) return <h1>{t("app.notFound")}</h1>;
  if (!movie) return <p role="status">{t("app.loading")}</p>;

  const toggleWant = async () => {
    if (needLogin()) return;
    const path = { params: { path: { movie_id: movieId } } };
    if (wanted) {
      await api().DELETE("/movies/{movie_id}/want", path);
      setWanted(false);
    } else {
      const { data } = await api().PUT("/movies/{movie_id}/want", path);
      setWanted(data?.wanted ?? true);
    }
  };
  const rate = async (value: number) => {
    if (needLogin()) return;
    const { data } = await api().PUT("/movies/{movie_id}/rating", {
      params: { path: { movie_id: movieId } },
      body: { stars: value },
    });
    if (data) {
      setStars(data.stars ?? value);
      setMovie({ ...movie, rating_average: data.rating_average, rating_count: data.rating_count });
    }
  };

  return (
    <article>
      <h1>{movie.title}</h1>
      {movie.original_title && <p class="muted">{movie.original_title}</p>}
      <p>
        {movie.genres.map((g) => g.name).join(" / ")} · {t("movie.minutes", { n: String(movie.duration) })} ·{" "}
        {t("movie.released", { date: dateLabel(movie.release_date) })}
      </p>
      <p data-testid="rating">
        {movie.rating_average === null || movie.rating_average === undefined
          ? t("movie.noRating")
          : t("movie.ratingCount", { value: movie.rating_average.toFixed(1), count: String(movie.rating_count) })}
      </p>
      {movie.synopsis && <p class="synopsis">{movie.synopsis}</p>}
      <div class="actions">
        <button type="button" aria-pressed={wanted === true} onClick={toggleWant}>
          {wanted ? t("movie.wanted") : t("movie.want")}
        </button>
        <label>
          {t("movie.myRating")}
          <select value={stars ?? ""} onChange={(e) => rate(Number(e.currentTarget.value))}>
            <option value="" disabled>—</option>
            {[10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
      </div>
      <h2>{t("movie.showtimes")}</h2>
      <Showtimes movieId={movieId} />
      <Comments movieId={movieId} />
    </article>
  );
}
