import { useEffect, useRef, useState } from "preact/hooks";
import { api, type Schemas } from "../api/client";
import { Highlighted } from "../components/Highlighted";
import { dateLabel, t } from "../i18n";
import { go, href } from "../router";

type Movie = Schemas["MovieOut"];
type Hit = Schemas["SearchItem"];
type Suggestion = Schemas["SuggestItem"];
type Area = Schemas["AreaOut"];

function cities(tree: Area[]): Area[] {
  return tree.flatMap((node) => (node.level === "city" ? [node] : cities(node.children ?? [])));
}

function nextDays(count: number): string[] {
  const days: string[] = [];
  const today = new Date();
  for (let i = 0; i < count; i++) {
    const day = new Date(today.getFullYear(), today.getMonth(), today.getDate() + i);
    const mm = String(day.getMonth() + 1).padStart(2, "0");
    const dd = String(day.getDate()).padStart(2, "0");
    days.push(`${day.getFullYear()}-${mm}-${dd}`);
  }
  return days;
}

function SearchBox({ onSearch }: { onSearch: (q: string) => void }) {
  const [q, setQ] = useState("");
  const [options, setOptions] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(-1);
  const timer = useRef<number>();

  useEffect(() => {
    clearTimeout(timer.current);
    const query = q.trim();
    if (!query) {
      setOptions([]);
      return;
    }
    timer.current = window.setTimeout(async () => {
      const { data } = await api().GET("/search/suggest", { params: { query: { q: query } } });
      setOptions(data?.items ?? []);
      setActive(-1);
    }, 150);
  }, [q]);

  const choose = (option: Suggestion) => {
    setOptions([]);
    go(`/movies/${option.movie_id}`);
  };
  const keyDown = (e: KeyboardEvent) => {
    if (!options.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (e.key === "Escape") {
      setOptions([]);
    } else if (e.key === "Enter" && active >= 0 && options[active]) {
      e.preventDefault();
      choose(options[active]);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setOptions([]);
    if (q.trim()) onSearch(q.trim());
  };
  return (
    <form class="search" role="search" onSubmit={submit}>
      <label for="search-q" class="visually-hidden">{t("movies.search")}</label>
      <input id="search-q" type="search" role="combobox" value={q} autocomplete="off"
        placeholder={t("movies.searchPlaceholder")}
        aria-expanded={options.length > 0} aria-controls="search-suggestions"
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `suggestion-${active}` : undefined}
        onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={keyDown} />
      <button type="submit">{t("movies.search")}</button>
      <ul id="search-suggestions" role="listbox" aria-label={t("movies.suggestions")}
        hidden={!options.length}>
        {options.map((option, i) => (
          <li id={`suggestion-${i}`} role="option" aria-selected={i === active}
            class={i === active ? "active" : ""} key={option.movie_id}
            onMouseDown={(e) => { e.preventDefault(); choose(option); }}>
            {option.title}
            {option.original_title && <span class="muted"> {option.original_title}</span>}
          </li>
        ))}
      </ul>
    </form>
  );
}

function SearchResults({ q }: { q: string }) {
  const [result, setResult] = useState<Schemas["SearchPage"] | null>(null);
  useEffect(() => {
    setResult(null);
    api().GET("/search/movies", { params: { query: { q, limit: 20 } } })
      .then(({ data }) => setResult(data ?? { items: [], total: 0, facets: { genres: [] }, next_cursor: null }));
  }, [q]);
  if (!result) return <p role="status">{t("app.loading")}</p>;
  return (
    <section aria-labelledby="results-title" data-testid="search-results">
      <h2 id="results-title">{t("movies.results", { q, count: String(result.total) })}</h2>
      <ul class="results">
        {result.items.map((hit: Hit) => {
          const title = hit.highlight?.title?.[0];
          const synopsis = hit.highlight?.synopsis ?? [];
          return (
            <li key={hit.movie_id}>
              <a href={href(`/movies/${hit.movie_id}`)} class="result-title">
                {title ? <Highlighted fragment={title} /> : hit.title}
              </a>
              {hit.original_title && <span class="muted"> {hit.original_title}</span>}
              {synopsis.map((fragment, i) => (
                <p key={i} class="fragment"><Highlighted fragment={fragment} /></p>
              ))}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function Movies() {
  const [status, setStatus] = useState<"showing" | "coming">("showing");
  const [city, setCity] = useState("");
  const [day, setDay] = useState("");
  const [movies, setMovies] = useState<Movie[] | null>(null);
  const [places, setPlaces] = useState<Area[]>([]);
  const [query, setQuery] = useState("");

  useEffect(() => {
    api().GET("/cities").then(({ data }) => setPlaces(cities(data ?? [])));
  }, []);
  useEffect(() => {
    setMovies(null);
    const filters = status === "showing" ? { city: city || undefined, date: day || undefined } : {};
    api().GET("/movies", { params: { query: { status, limit: 50, ...filters } } })
      .then(({ data }) => setMovies(data?.items ?? []));
  }, [status, city, day]);

  return (
    <>
      <h1 class="visually-hidden">{t("movies.title")}</h1>
      <SearchBox onSearch={setQuery} />
      {query && <SearchResults q={query} />}
      <div class="tabs" role="tablist" aria-label={t("movies.title")}>
        {(["showing", "coming"] as const).map((s) => (
          <button type="button" role="tab" aria-selected={status === s} key={s}
            onClick={() => setStatus(s)}>{t(`movies.${s}`)}</button>
        ))}
      </div>
      {status === "showing" && (
        <div class="filters">
          <label>
            {t("movies.city")}
            <select value={city} onChange={(e) => setCity(e.currentTarget.value)}>
              <option value="">{t("movies.anyCity")}</option>
              {places.map((c) => <option value={c.area_id} key={c.area_id}>{c.name}</option>)}
            </select>
          </label>
          <label>
            {t("movies.date")}
            <select value={day} onChange={(e) => setDay(e.currentTarget.value)}>
              <option value="">{t("movies.anyDate")}</option>
              {nextDays(7).map((d) => <option value={d} key={d}>{dateLabel(d)}</option>)}
            </select>
          </label>
        </div>
      )}
      {movies === null ? (
        <p role="status">{t("app.loading")}</p>
      ) : movies.length === 0 ? (
        <p>{t("movies.none")}</p>
      ) : (
        <ul class="cards" data-testid="movie-list">
          {movies.map((movie) => (
            <li key={movie.movie_id} class="card">
              <a href={href(`/movies/${movie.movie_id}`)}>
                <span class="card-title">{movie.title}</span>
                {movie.original_title && <span class="muted">{movie.original_title}</span>}
              </a>
              <span class="muted">
                {[movie.genres.map((g) => g.name).join(" / "), t("movie.minutes", { n: String(movie.duration) })]
                  .filter(Boolean).join(" · ")}
              </span>
              <span>{movie.rating_average === null || movie.rating_average === undefined
                ? t("movie.noRating") : t("movie.rating", { value: movie.rating_average.toFixed(1) })}</span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
