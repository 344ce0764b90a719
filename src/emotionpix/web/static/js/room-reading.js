// A member's own reading in a movie-night room: their camera (off until they press "Use my
// camera") or a photo, read by the same on-device reader as the main page. From the camera
// only the emotions' probabilities leave the device; a photo is read on the server only where
// the device cannot read it (as on the main page).
import * as camera from "./camera.js";
import { $ } from "./dom.js";
import { t } from "./i18n.js";
import * as reader from "./ondevice/reader.js";
import { roomMood } from "./ondevice/room.js";
import { problemWith } from "./photo.js";

const say = (text) => {
  $("#room-message").textContent = text;
};

// The probabilities to send: one face's, or the blend of several faces in one picture.
function emotionsOf(result) {
  const room = roomMood(result.faces);
  return room ? room.emotions : result.faces[0].emotions;
}

function setCamera(on) {
  $("#room-camera").setAttribute("aria-pressed", String(on));
  $("#room-camera").textContent = on ? t("Turn my camera off") : t("Use my camera");
  $("#room-capture").hidden = !on;
}

async function toggle() {
  if (camera.isOn()) {
    camera.stop();
    setCamera(false);
    say(t("Camera off."));
    return;
  }
  try {
    await camera.start();
    setCamera(true);
    reader.prepare();
    say(t("Camera on. Look at it, then press “Read my mood”."));
  } catch (error) {
    camera.stop();
    setCamera(false);
    say(error.message);
  }
}

// onEmotions({label: p}) sends the member's mood to the room.
export function wire(onEmotions) {
  setCamera(false); // off on every visit
  $("#room-camera").addEventListener("click", toggle);
  window.addEventListener("pagehide", () => camera.stop());

  $("#room-capture").addEventListener("click", async () => {
    say(t("Reading your expression on this device…"));
    const result = await reader.readFrame($("#video"));
    if (result === null) {
      say(t("This browser cannot read a face on the device. Choose a photo or a mood instead."));
      return;
    }
    if (!result.faces.length) {
      say(t("We could not find a face. Face the camera in good, even light, and try again."));
      return;
    }
    say("");
    $("#room-reading").dataset.where = "device";
    await onEmotions(emotionsOf(result));
  });

  $("#room-photo").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (!file) return;
    const problem = problemWith(file, Number(event.target.dataset.maxBytes));
    if (problem) {
      say(problem);
      return;
    }
    say(t("Reading your photo…"));
    try {
      const result = await reader.read(file);
      say("");
      $("#room-reading").dataset.where = result.where;
      await onEmotions(emotionsOf(result));
    } catch (error) {
      say(error.message ?? t("Something went wrong. Please try again."));
    }
  });
}
