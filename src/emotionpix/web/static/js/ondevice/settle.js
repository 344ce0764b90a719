// A mood that holds still: probabilities read a few times a second are smoothed (an
// exponential average) and a new mood settles only when it leads the settled one by a margin
// for several readings in a row (hysteresis), so a blink or a passing frown moves nothing.

export class MoodSettler {
  // alpha: the weight of the newest reading; lead: how far ahead a new mood must be;
  // readings: for how many readings in a row.
  constructor({ alpha = 0.35, lead = 0.1, readings = 3 } = {}) {
    Object.assign(this, { alpha, lead, readings });
    this.smoothed = null;
    this.settled = null;
    this.candidate = null;
    this.streak = 0;
  }

  // One reading ({emotion: probability}); returns true when the settled mood changed.
  update(probabilities) {
    const labels = Object.keys(probabilities);
    this.smoothed = this.smoothed === null
      ? { ...probabilities }
      : Object.fromEntries(labels.map((l) => [l, this.alpha * probabilities[l] + (1 - this.alpha) * this.smoothed[l]]));
    const leader = labels.reduce((best, l) => (this.smoothed[l] > this.smoothed[best] ? l : best));
    const ahead = this.settled === null || this.smoothed[leader] - this.smoothed[this.settled] >= this.lead;
    if (leader === this.settled || !ahead) {
      this.candidate = null;
      this.streak = 0;
      return false;
    }
    this.streak = leader === this.candidate ? this.streak + 1 : 1;
    this.candidate = leader;
    if (this.streak < this.readings) return false;
    this.settled = leader;
    this.candidate = null;
    this.streak = 0;
    return true;
  }

  reset() {
    this.smoothed = null;
    this.settled = null;
    this.candidate = null;
    this.streak = 0;
  }
}
