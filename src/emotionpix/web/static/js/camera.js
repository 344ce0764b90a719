// The camera: off by default on every visit, on only while the switch says so. Its preview
// takes room on the page only while it is on.

import { $ } from "./dom.js";
import { t } from "./i18n.js";

let stream = null;

export const isOn = () => stream !== null;

export async function start() {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new Error(t("This browser cannot use a camera here. Choose a photo or pick a mood instead."));
  }
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false });
  } catch (error) {
    stream = null;
    const denied = error?.name === "NotAllowedError" || error?.name === "SecurityError";
    const missing = error?.name === "NotFoundError" || error?.name === "OverconstrainedError";
    throw new Error(
      denied ? t("Camera permission was denied. Allow the camera in your browser's site settings, or choose a photo instead.")
        : missing ? t("No camera was found. Choose a photo or pick a mood instead.")
          : t("The camera could not be started. Choose a photo or pick a mood instead."),
    );
  }
  const video = $("#video");
  video.srcObject = stream;
  $("#preview").hidden = false;
  await video.play().catch(() => {});
}

export function stop() {
  if (stream) for (const track of stream.getTracks()) track.stop();
  stream = null;
  const video = $("#video");
  video.pause();
  video.srcObject = null;
  $("#preview").hidden = true;
}

// The current frame as a JPEG Blob, at the camera's own resolution.
export async function capture() {
  const video = $("#video");
  if (!stream || !video.videoWidth) throw new Error(t("The camera is not ready yet. Try again in a moment."));
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d").drawImage(video, 0, 0);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(t("Could not capture a frame.")))), "image/jpeg", 0.9);
  });
}
