// Staff check-in: a code typed, pasted, read by a handheld scanner (which types it and
// presses Enter) or, where the browser has a BarcodeDetector, scanned with the camera.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, problemText } from "../api/client";
import { t } from "../i18n";
import { isStaff } from "../session";

interface Verdict {
  kind: "valid" | "used" | "forged" | "unknown" | "error";
  detail: string;
}

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (options: { formats: string[] }) => Detector;
  }
}

function Scanner({ onCode }: { onCode: (code: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!on || !video.current || !window.BarcodeDetector) return;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    let stream: MediaStream | null = null;
    let timer = 0;
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then((s) => {
      stream = s;
      video.current!.srcObject = s;
      timer = window.setInterval(async () => {
        const found = await detector.detect(video.current!).catch(() => []);
        if (found[0]) {
          setOn(false);
          onCode(found[0].rawValue);
        }
      }, 300);
    });
    return () => {
      clearInterval(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [on]);
  if (!window.BarcodeDetector || !navigator.mediaDevices) return null;
  return (
    <div>
      <button type="button" onClick={() => setOn(!on)}>{on ? t("checkin.stopScan") : t("checkin.scan")}</button>
      {on && <video ref={video} autoPlay playsInline muted class="scanner" aria-label={t("checkin.camera")} />}
    </div>
  );
}

export function Checkin() {
  const [code, setCode] = useState("");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  if (!isStaff()) return <p class="error" role="alert">{t("checkin.staffOnly")}</p>;

  const check = async (value: string) => {
    const trimmed = value.trim();
    if (!trimmed) return;
    setBusy(true);
    const { data, error, response } = await api().POST("/checkin", { body: { code: trimmed } });
    setBusy(false);
    if (data) {
      setVerdict({ kind: "valid", detail: t("checkin.validSeat", { seat: data.seat_id, order: data.order_id }) });
    } else if (response.status === 409) {
      setVerdict({ kind: "used", detail: problemText(error, "") });
    } else if (response.status === 400 || response.status === 422) {
      setVerdict({ kind: "forged", detail: problemText(error, "") });
    } else if (response.status === 404) {
      setVerdict({ kind: "unknown", detail: problemText(error, "") });
    } else {
      setVerdict({ kind: "error", detail: problemText(error, t("app.failed")) });
    }
    setCode("");
    input.current?.focus();
  };

  return (
    <section class="narrow">
      <h1>{t("checkin.title")}</h1>
      <form onSubmit={(e) => { e.preventDefault(); check(code); }}>
        <label for="checkin-code">{t("checkin.code")}</label>
        <textarea id="checkin-code" ref={input} rows={3} value={code} autoFocus
          onInput={(e) => setCode(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              check(code);
            }
          }} />
        <button type="submit" class="primary" disabled={busy}>{t("checkin.submit")}</button>
      </form>
      <Scanner onCode={(value) => check(value)} />
      <div role="status" aria-live="assertive" data-testid="checkin-result">
        {verdict && (
          <div class={`verdict ${verdict.kind}`} data-verdict={verdict.kind}>
            <strong>{t(`checkin.${verdict.kind}`)}</strong>
            {verdict.detail && <p>{verdict.detail}</p>}
          </div>
        )}
      </div>
    </section>
  );
}
