"""Encoding cost per minute of audio: each profile as the worker makes it vs raw encoders.

    .venv/bin/python bench/encode.py [--repeat 3] [--quick]

The sample bulletin through the espeak chain (its clips cached first, so synthesis is a
cache read), then per profile the worker's own call with `stages=Stages()`: web =
`produce_web` (segmented MP3) + `produce_profile(..., "web")` (Opus); the others
`produce_profile` (spoken header, master, encode, verify, tags). "master:<p>" and
"encode:<p>" are what the product recorded. Baseline, same run, same clips: the engine's
clips (at the profile's synthesis rate) concatenated, resampled to each output's rate and
encoded by raw lameenc (q5, q7), ffmpeg libmp3lame, ffmpeg libopus, or written as WAV.
Prints seconds per minute of audio and profile / baseline, the baseline being the raw
encoder at the product's settings (LAME quality included) for each of the profile's
outputs; the others are printed for reference. Writes bench/out/encode.json and .png.
"""

from __future__ import annotations

import inspect
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import bench._common as bc  # noqa: E402
from audio import dsp, encode  # noqa: E402
from audio.media import ffmpeg_exe  # noqa: E402
from audio.profiles import PROFILES, Output  # noqa: E402
from audio.stages import Stages  # noqa: E402
from service.settings import Settings  # noqa: E402
from workers.context import local_chain  # noqa: E402
from workers.job import Job  # noqa: E402
from workers.produce import produce_profile, produce_web  # noqa: E402

STATION = "Đài Truyền thanh Bắc Kạn"
LAME_QUALITY = inspect.signature(encode.encode_mp3).parameters["quality"].default


def produce(chain: Any, job: Job, name: str) -> tuple[bc.Timed[Any], dict[str, float]]:
    """One profile's files as the worker makes them, with the stages it recorded."""
    stages = Stages()

    def run() -> list[Any]:
        if name != "web":
            return produce_profile(chain, job, name, STATION, stages)
        return [*produce_web(chain, job, lambda _: None, None, stages).files,
                *produce_profile(chain, job, name, STATION, stages)]

    return bc.timed(run), stages.seconds


def raw_encoders(x: np.ndarray, rate: int, out: Output) -> dict[str, Callable[[], bytes]]:
    """The bare encoders for one output, on `x` resampled to the output's rate; the first
    is the baseline (the product's settings), the others are for reference."""
    y, sr, kbps = dsp.resample(x, rate, out.sample_rate), out.sample_rate, out.bitrate_kbps
    at = f"{kbps or ''}{'k' if kbps else ''}@{sr}"
    if out.format == "mp3":
        return {f"lameenc q{LAME_QUALITY} {at}": lambda: encode.encode_mp3(y, sr, kbps or 64),
                f"lameenc q7 {at}": lambda: encode.encode_mp3(y, sr, kbps or 64, 7),
                f"ffmpeg libmp3lame {at}": lambda: encode.encode_mp3_ffmpeg(y, sr, kbps or 64)}
    if out.format == "opus":
        return {f"ffmpeg libopus {at}": lambda: encode.encode_opus(y, sr, kbps or 24)}
    return {f"wav {at}": lambda: encode.encode_wav(y, sr)}


def measure(chain: Any, job: Job, name: str, repeat: int) -> dict[str, Any]:
    profile = PROFILES[name]
    rate = job.rate * profile.synthesis_rate
    clips = chain.synthesize(list(job.spoken), job.voice, rate).clips  # cached: warm-up too
    x = np.concatenate([dsp.to_samples(c) for c in clips])
    raw_min = x.size / clips[0].frame_rate / 60
    produce(chain, job, name)  # warm-up: the header clip, filter designs, ffmpeg's start
    runs = [produce(chain, job, name) for _ in range(repeat)]
    minutes = max(f.duration_ms for f in runs[0][0].result) / 60000
    per_min = {"total": bc.Stats.of([t.wall for t, _ in runs]).median / minutes}
    for stage in ("synthesize", "master", "encode"):  # web's MP3 pass records "synthesize"
        per_min[stage] = bc.Stats.of([s.get(f"{stage}:{name}", 0.0) + s.get(stage, 0.0)
                                      for _, s in runs]).median / minutes
    raw: dict[str, float] = {}
    baseline = 0.0
    for out in profile.outputs:
        timings = {k: bc.repeat(fn, repeat, warmup=0)[0].median / raw_min
                   for k, fn in raw_encoders(x, clips[0].frame_rate, out).items()}
        raw |= timings
        baseline += next(iter(timings.values()))
    return {"audio_minutes": round(minutes, 3), "raw_audio_minutes": round(raw_min, 3),
            "outputs": [f"{o.format} {o.bitrate_kbps or ''} {o.sample_rate}"
                        for o in profile.outputs],
            "files": {f.kind: len(f.data) for f in runs[0][0].result},
            "product_s_per_min": per_min, "raw_s_per_min": raw,
            "baseline_s_per_min": baseline,
            "ratio": (per_min["master"] + per_min["encode"]) / baseline,
            "ratio_total": per_min["total"] / baseline}


def main() -> None:
    ap = bc.arg_parser(__doc__)
    ap.add_argument("--repeat", type=int, default=3, help="timed calls per measurement")
    args = ap.parse_args()
    repeat = 1 if args.quick else args.repeat
    started = time.perf_counter()
    paragraphs = bc.sample().paragraphs[:3 if args.quick else None]
    job = bc.sample_job(("espeak",), paragraphs).spoken_all()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bantin-bench-encode-") as tmp:
        settings = Settings.from_env({"BANTIN_VAR_DIR": tmp, "TTS_ENGINES": "espeak"})
        chain = local_chain(settings, ("espeak",))
        for name in PROFILES:
            results[name] = r = measure(chain, job, name, repeat)
            print(f"{name:12s} {r['audio_minutes']:5.2f} min: master+encode "
                  f"{r['ratio']:.2f}x the raw encoders ({r['ratio_total']:.2f}x with "
                  "assembly, header, tags)")
    rows = [[n, f"{r['audio_minutes']:.2f}", *(f"{r['product_s_per_min'][k]:.3f}" for k in
                                               ("total", "synthesize", "master", "encode")),
             f"{r['baseline_s_per_min']:.3f}", f"{r['ratio']:.2f}x", f"{r['ratio_total']:.2f}x"]
            for n, r in results.items()]
    print("\n" + bc.table(rows, ["profile", "audio min", "total s/min", "synth (cache)",
                                 "master", "encode", "raw baseline", "(master+encode)/raw",
                                 "total/raw"]))
    print("\nraw encoders on the bare clips (s per audio minute; the first per output is "
          "the baseline):")
    print(bc.table([[n, k, f"{v:.3f}"] for n, r in results.items()
                    for k, v in r["raw_s_per_min"].items()], ["profile", "encoder", "s/min"]))
    report = {"quick": args.quick, "repeat": repeat, "ffmpeg": ffmpeg_exe(),
              "unit": "wall seconds per minute of audio", "results": results}
    panels = [{"title": "Seconds per audio minute", "xlabel": "s / min (lower is better)",
               "labels": [f"{n}: {k}" for n, r in results.items()
                          for k in ("master", "encode", "baseline")],
               "values": [r["product_s_per_min"][k] if k != "baseline"
                          else r["baseline_s_per_min"] for r in results.values()
                          for k in ("master", "encode", "baseline")],
               "colors": ["#90cdf4", "#2b6cb0", "#a0aec0"] * len(results), "fmt": "{:.3f}"},
              {"title": "(master+encode) / raw encoders", "labels": list(results),
               "values": [r["ratio"] for r in results.values()], "fmt": "{:.2f}x"}]
    bc.finish("encode", report, panels, "bantin encoding cost per profile vs raw encoders",
              started)


if __name__ == "__main__":
    main()
