/**
 * An optional chime for new critical alerts on the wall (off by default). `?chime=1` turns it on for
 * this device and `?chime=0` off again (remembered in localStorage `hotline.chime`, like the
 * language). The sound is a short two-tone beep made with WebAudio: no audio file to load.
 *
 * Browsers may keep audio suspended until someone touches the page; a kiosk started with
 * `--autoplay-policy=no-user-gesture-required` plays at once. `blocked` says when it could not.
 */
export const CHIME_KEY = 'hotline.chime';

export function chimeSetting(search: string = globalThis.location?.search ?? ''): boolean {
  const q = new URLSearchParams(search).get('chime');
  try {
    if (q === '1' || q === 'on' || q === 'true') localStorage.setItem(CHIME_KEY, '1');
    else if (q === '0' || q === 'off' || q === 'false') localStorage.removeItem(CHIME_KEY);
    return localStorage.getItem(CHIME_KEY) === '1';
  } catch {
    return q === '1' || q === 'on' || q === 'true';
  }
}

type AudioCtor = typeof AudioContext;

export interface Chime {
  /** call with the current critical alerts' ids; beeps once when one appears that was not seen */
  update(criticalIds: readonly string[]): boolean;
  /** true when the browser refused to start audio */
  readonly blocked: boolean;
  dispose(): void;
}

/**
 * Remembers the critical alert ids it has seen. The first update only records them (a wall that
 * starts or reconnects does not beep for what was already there).
 */
export function createChime(play: () => void = beep): Chime {
  const seen = new Set<string>();
  let primed = false;
  return {
    update(ids) {
      let fresh = false;
      for (const id of ids) {
        if (!seen.has(id)) {
          seen.add(id);
          fresh = true;
        }
      }
      if (seen.size > 2000) {
        // keep memory bounded on a wall that runs for months
        const keep = new Set(ids);
        for (const id of seen) if (!keep.has(id)) seen.delete(id);
      }
      const ring = primed && fresh;
      primed = true;
      if (ring) play();
      return ring;
    },
    get blocked() {
      return ctx !== null && ctx.state === 'suspended';
    },
    dispose() {
      seen.clear();
    },
  };
}

let ctx: AudioContext | null = null;

function audio(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = (globalThis as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor }).AudioContext ??
    (globalThis as { webkitAudioContext?: AudioCtor }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
  } catch {
    return null;
  }
  // a touch or key press anywhere lets a suspended context start
  const resume = () => void ctx?.resume().catch(() => undefined);
  globalThis.addEventListener?.('pointerdown', resume);
  globalThis.addEventListener?.('keydown', resume);
  return ctx;
}

/** Creates the audio context early (so a kiosk policy can allow it) without making a sound. */
export function prepareAudio(): void {
  audio();
}

/** Two short tones, 880 Hz then 660 Hz. */
export function beep(): void {
  const c = audio();
  if (!c) return;
  if (c.state === 'suspended') void c.resume().catch(() => undefined);
  const t0 = c.currentTime + 0.02;
  for (const [i, freq] of [880, 660].entries()) {
    const osc = c.createOscillator();
    const gain = c.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const start = t0 + i * 0.28;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.35, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.24);
    osc.connect(gain).connect(c.destination);
    osc.start(start);
    osc.stop(start + 0.26);
  }
}
