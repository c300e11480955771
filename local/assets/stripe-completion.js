// Marquee's local completion of localstripe's Stripe.js stand-in (see
// local/stripe_server.py): confirmCardPayment with a card Element confirms the way
// Stripe.js does (card, publishable key and client secret in one confirm call), then hands
// over to the stand-in's own 3-D Secure step only when the card asks for it. The card
// fields get the labels Stripe's real Element has.
(function () {
  const standIn = Stripe;
  const LABELS = {
    number: 'Card number',
    exp_month: 'Expiry month (MM)',
    exp_year: 'Expiry year (YY)',
    cvc: 'CVC',
    postal_code: 'Postal code',
  };

  function labelled(element) {
    const mount = element.mount;
    element.mount = function (target) {
      mount.call(element, target);
      Object.keys(LABELS).forEach(field => {
        const input = element._inputs[field];
        input.setAttribute('aria-label', LABELS[field]);
        input.setAttribute('name', 'card-' + field);
        input.setAttribute('autocomplete', 'off');
        input.setAttribute('inputmode', 'numeric');
      });
    };
    return element;
  }

  Stripe = function (apiKey) {
    const stripe = standIn(apiKey);
    const elementsOf = stripe.elements;
    stripe.elements = function () {
      const elements = elementsOf();
      const create = elements.create;
      elements.create = function (type, options) {
        return labelled(create.call(elements, type, options));
      };
      return elements;
    };
    const authenticate = stripe.confirmCardPayment;
    stripe.confirmCardPayment = async function (clientSecret, data) {
      const card = data && data.payment_method && data.payment_method.card;
      if (!(card instanceof Element)) {
        return authenticate(clientSecret, data);
      }
      if (!card.value) {
        return {error: {type: 'validation_error', code: 'incomplete_number',
                        message: 'Your card number is incomplete.'}};
      }
      const intent = clientSecret.match(/^(pi_\w+)_secret_/)[1];
      // No Content-Type header: a "simple" request, as localstripe's own calls are.
      const response = await fetch(
        `${LOCALSTRIPE_BASE_API}/v1/payment_intents/${intent}/confirm`, {
          method: 'POST',
          body: JSON.stringify({
            key: apiKey,
            client_secret: clientSecret,
            payment_method_data: {
              type: 'card',
              card: card.value.card,
              billing_details: {address: {postal_code: card.value.postal_code}},
            },
          }),
        });
      const body = await response.json().catch(() => ({}));
      if (response.status !== 200 || body.error) {
        return {error: body.error || {message: 'Payment failed (' + response.status + ').'}};
      }
      if (body.status === 'requires_action') {
        return authenticate(clientSecret, data);
      }
      if (body.status === 'requires_payment_method') {
        return {error: body.last_payment_error || {message: 'Your card was declined.'}};
      }
      return {paymentIntent: body};
    };
    return stripe;
  };
})();
