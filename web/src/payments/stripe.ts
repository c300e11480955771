// Card payments with Stripe.js, loaded from the configured URL: Stripe's own script on a
// stage, localstripe's stand-in locally. Only what this client calls is declared here.
import { config } from "../config";

export interface CardElement {
  mount(target: HTMLElement): void;
  destroy(): void;
}
interface StripeError {
  message?: string;
  code?: string;
}
interface StripeJs {
  elements(): { create(type: "card", options?: object): CardElement };
  confirmCardPayment(
    clientSecret: string,
    data: { payment_method: { card: CardElement } },
  ): Promise<{ error?: StripeError | null; paymentIntent?: { id: string; status: string } }>;
}
declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeJs;
  }
}

let loading: Promise<StripeJs> | null = null;

export function stripe(): Promise<StripeJs> {
  if (!config().stripePublishableKey) return Promise.reject(new Error("card payments are not configured"));
  loading ??= new Promise<StripeJs>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = config().stripeJsUrl;
    script.onload = () => {
      if (window.Stripe) resolve(window.Stripe(config().stripePublishableKey));
      else reject(new Error("Stripe.js did not load"));
    };
    script.onerror = () => {
      loading = null;
      reject(new Error("Stripe.js could not be loaded"));
    };
    document.head.appendChild(script);
  });
  return loading;
}

/** Confirm the PaymentIntent with the card; the error message Stripe gives, or null. */
export async function payByCard(clientSecret: string, card: CardElement): Promise<string | null> {
  const result = await (await stripe()).confirmCardPayment(clientSecret, { payment_method: { card } });
  if (result.error) return result.error.message ?? "card error";
  return null;
}
