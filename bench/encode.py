"""Encoding cost per minute of audio: each profile's render vs raw lameenc and raw ffmpeg.

Run: `.venv/bin/python bench/encode.py [--repeat N]`. Synthesizes the sample bulletin
with espeak (offline), then times, in the same run and on the same audio:
  - each profile's full `render` (assemble, master, encode, verify, tags);
  - its mastering alone and its encoders alone;
  - raw lameenc and raw ffmpeg (libmp3lame, libopus) on the bare assembled audio.
Prints seconds per minute of audio and ratios; writes bench/out/encode.json and .png.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from audio import dsp, encode  # noqa: E402
from audio.media import ffmpeg_exe  # noqa: E402
from audio.profiles import PROFILES  # noqa: E402
from audio.render import build_programme, master, render  # noqa: E402
from tests.audio.test_profiles import bulletin_parts  # noqa: E402

OUT = ROOT / "bench" / "out"


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def sample_parts(rate: float) -> list:
    """The sample bulletin's body, several times, for a few minutes of speech."""
    text = (ROOT.parent / "shared" / "samples" / "bac-kan-chi-thi-42.txt")
    if not text.exists():
        text = ROOT / "service" / "demo" / "bac-kan-chi-thi-42.txt"
    parts = bulletin_parts(rate)
    if text.exists():
        from audio.assemble import Part, SentenceClip
        from audio.engines.espeak import EspeakEngine

        paras = [p for p in text.read_text(encoding="utf-8").split("\n") if len(p) > 80]
        clips = EspeakEngine().synthesize(paras, "north", rate).clips
        parts += [Part("paragraph", [SentenceClip(c, None, None, p)])
                  for c, p in zip(clips, paras, strict=True)]
    return parts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    results: dict[str, dict[str, float]] = {}
    for name, profile in PROFILES.items():
        parts = sample_parts(profile.synthesis_rate)
        programme = build_programme(parts, profile)
        minutes = programme.samples.size / programme.rate / 60
        row: dict[str, float] = {"audio_minutes": round(minutes, 3)}
        row["render"] = best(lambda p=parts, pr=profile: render(p, pr), args.repeat) / minutes
        row["render_no_verify"] = best(
            lambda p=parts, pr=profile: render(p, pr, verify=False), args.repeat) / minutes
        for out in profile.outputs:
            key = f"{out.format}{out.bitrate_kbps or ''}@{out.sample_rate}"
            started = time.perf_counter()
            x, _ = master(programme, profile, out.sample_rate)
            row[f"master {key}"] = (time.perf_counter() - started) / minutes
            row[f"encode {key}"] = best(
                lambda o=out, x=x: encode.encode(x, o.sample_rate, o.format, o.bitrate_kbps),
                args.repeat) / minutes
            raw = dsp.resample(programme.samples, programme.rate, out.sample_rate)
            if out.format == "mp3":
                for q in (5, 7):
                    row[f"raw lameenc q{q}"] = best(
                        lambda o=out, r=raw, q=q: encode.encode_mp3(r, o.sample_rate,
                                                                    o.bitrate_kbps or 64, q),
                        args.repeat) / minutes
                row["raw ffmpeg libmp3lame"] = best(
                    lambda o=out, r=raw: encode.encode_mp3_ffmpeg(r, o.sample_rate,
                                                                  o.bitrate_kbps or 64),
                    args.repeat) / minutes
            if out.format == "opus":
                row["raw ffmpeg libopus"] = best(
                    lambda o=out, r=raw: encode.encode_opus(r, o.sample_rate,
                                                            o.bitrate_kbps or 24),
                    args.repeat) / minutes
            if out.format == "wav":
                row["raw wav"] = best(lambda o=out, r=raw: encode.encode_wav(r, o.sample_rate),
                                      args.repeat) / minutes
        results[name] = row
        raw_keys = [k for k in row if k.startswith("raw")]
        ratios = ", ".join(f"{row['render'] / row[k]:.1f}x {k}" for k in raw_keys)
        print(f"{name:12s} {minutes:5.2f} min audio  render {row['render']:.3f} s/min "
              f"(no verify {row['render_no_verify']:.3f})  = {ratios}")
        for k, v in row.items():
            if k != "audio_minutes":
                print(f"    {k:28s} {v:.3f} s per audio minute")
    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "ffmpeg": ffmpeg_exe(), "unit": "seconds of CPU wall time per minute of audio"}
    (OUT / "encode.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    fig, ax = plt.subplots(figsize=(10, 5))
    labels, values, colors = [], [], []
    for name, row in results.items():
        for k, v in row.items():
            if k == "audio_minutes":
                continue
            labels.append(f"{name}: {k}")
            values.append(v)
            colors.append("tab:blue" if k.startswith("render") else
                          "tab:orange" if k.startswith("raw") else "tab:gray")
    ax.barh(labels, values, color=colors)
    ax.invert_yaxis()
    ax.set_xlabel("seconds per minute of audio (lower is better)")
    ax.set_title("bantin encoding cost per profile vs raw encoders")
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(OUT / "encode.png", dpi=110)
    print(f"wrote {OUT / 'encode.json'} and {OUT / 'encode.png'}")


if __name__ == "__main__":
    main()
