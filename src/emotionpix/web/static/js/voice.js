// Voice search with the Web Speech API: the mic button appears only where the API exists;
// a result fills the search box and runs the search; every error becomes a visible message
// (onMessage(text, { error })).

import { $ } from "./dom.js";
import { t } from "./i18n.js";

const MESSAGES = {
  "not-allowed": t("Microphone access was denied. Allow it in your browser's site settings, or type your search."),
  "service-not-allowed": t("Voice input is not allowed here. Please type your search."),
  "audio-capture": t("No microphone was found. Please type your search."),
  network: t("Voice search needs a network connection to your browser's speech service. Please type your search."),
  "no-speech": t("We did not hear anything. Try again, or type your search."),
  aborted: t("Voice search was stopped."),
  "language-not-supported": t("Voice search does not support this language here. Please type your search."),
};

export function init({ onResult, onMessage }) {
  const Recognition = window.SpeechRecognition ?? window.webkitSpeechRecognition;
  const mic = $("#mic");
  if (!Recognition) return; // no API: the button stays hidden
  mic.hidden = false;
  let listening = false;
  let watchdog;

  const reset = () => {
    listening = false;
    clearTimeout(watchdog);
    mic.classList.remove("listening");
    mic.setAttribute("aria-label", t("Search by voice"));
  };

  mic.addEventListener("click", () => {
    if (listening) return;
    let recognition;
    try {
      recognition = new Recognition();
      recognition.lang = navigator.language || "en-US";
      recognition.interimResults = false;
      recognition.maxAlternatives = 1;
      recognition.onresult = (event) => {
        const text = event.results?.[0]?.[0]?.transcript?.trim();
        if (text) onResult(text);
      };
      recognition.onerror = (event) => {
        onMessage(MESSAGES[event.error] ?? t("Voice search did not work. Please type your search."), { error: true });
        reset();
      };
      recognition.onend = reset;
      listening = true;
      mic.classList.add("listening");
      mic.setAttribute("aria-label", t("Listening… speak a movie title"));
      onMessage(t("Listening… say a movie title."));
      recognition.start();
      // Never hang: give up if the browser neither answers nor ends within 12 seconds.
      watchdog = setTimeout(() => {
        try { recognition.abort(); } catch { /* already stopped */ }
        if (listening) onMessage(t("Voice search timed out. Please try again or type your search."), { error: true });
        reset();
      }, 12000);
    } catch {
      onMessage(t("Voice search is not available right now. Please type your search."), { error: true });
      reset();
    }
  });
}
