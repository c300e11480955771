import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";

/** Minutes and seconds left until ``until``; ``onExpired`` once it has passed. */
export function Countdown({ until, onExpired }: { until: string; onExpired?: () => void }) {
  const end = Date.parse(until);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.floor((end - now) / 1000));
  useEffect(() => {
    if (left === 0) onExpired?.();
  }, [left === 0]);
  const mm = String(Math.floor(left / 60)).padStart(2, "0");
  const ss = String(left % 60).padStart(2, "0");
  return (
    <p class={`countdown${left < 60 ? " urgent" : ""}`} data-testid="hold-countdown">
      {left > 0 ? t("checkout.holdLeft", { time: `${mm}:${ss}` }) : t("checkout.holdExpired")}
    </p>
  );
}
