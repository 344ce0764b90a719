// The room's mood: with several faces in a picture, one blend of their emotions that picks
// films for everyone. Each face weighs by how sure the detector is that it is a face, so a
// half-hidden face counts less; a near face counts no more than a far one.

// faces: the API's (or the device's) faces, each with `score` and `emotions`. Null for one face.
export function roomMood(faces) {
  if (!faces || faces.length < 2) return null;
  const total = faces.reduce((sum, face) => sum + face.score, 0);
  const labels = Object.keys(faces[0].emotions);
  const emotions = Object.fromEntries(labels.map((label) => [
    label, faces.reduce((sum, face) => sum + face.score * face.emotions[label], 0) / total,
  ]));
  const emotion = labels.reduce((best, label) => (emotions[label] > emotions[best] ? label : best));
  return { emotion, emotions, count: faces.length };
}
