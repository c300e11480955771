// A search highlight: HTML-escaped text whose matches are wrapped in <mark>. Rendered as
// text nodes and <mark> elements, never as HTML, so nothing in a title can inject markup.
const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#x27;": "'",
  "&#39;": "'",
};

function unescape(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity] ?? entity);
}

export function Highlighted({ fragment }: { fragment: string }) {
  const parts = fragment.split(/(<mark>.*?<\/mark>)/g).filter(Boolean);
  return (
    <>
      {parts.map((part, i) =>
        part.startsWith("<mark>") ? (
          <mark key={i}>{unescape(part.slice(6, -7))}</mark>
        ) : (
          <span key={i}>{unescape(part)}</span>
        ),
      )}
    </>
  );
}
