"""Which LAME quality setting for speech: PESQ-WB and CPU seconds per setting.

    .venv/bin/python bench/mp3_quality.py [--quick]

The sample bulletin (espeak-ng) mastered as the podcast profile (whole-array path), its
first two minutes (one with --quick) encoded by lameenc at the web's and the podcast's
settings (48 kb/s at 24 kHz, 64 kb/s at 44.1 kHz) with LAME quality 2, 5 (LAME's
default: the baseline, same run), 7 and 9; each file decoded, aligned on the master by
cross-correlation, and scored with PESQ-WB (ITU-T P.862.2, the `pesq` package, 16 kHz,
10-second segments, mean and worst) against the master. CPU seconds are the encoder's
own, per minute of audio. The product's setting is `audio.encode.MP3_QUALITY`; the goal:
it scores within 0.05 of the best setting measured and costs no more than the baseline.
Writes bench/out/mp3_quality.json and .png.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lameenc  # noqa: E402
import numpy as np  # noqa: E402

import bench._common as bc  # noqa: E402
from audio import dsp  # noqa: E402
from audio.encode import MP3_QUALITY, pcm16  # noqa: E402
from audio.media import decode  # noqa: E402

QUALITIES = (2, 5, 7, 9)
BASELINE = 5
SETTINGS = (("web", 24000, 48), ("podcast", 44100, 64))
SEGMENT_S = 10


def master(seconds: int) -> tuple[np.ndarray, int]:
    """The sample as the podcast profile masters it, its first `seconds`."""
    from audio.mastering import build_programme
    from audio.mastering import master as master_programme
    from audio.profiles import get_profile
    from service.settings import Settings
    from workers import produce
    from workers.context import local_chain

    settings = Settings.from_env({"BANTIN_VAR_DIR": tempfile.mkdtemp()})
    chain = local_chain(settings, ("espeak",))
    job = bc.sample_job(("espeak",)).spoken_all()
    clips = produce.synthesize(chain, list(job.spoken or ()), job.voice, job.rate)
    profile = get_profile("podcast")
    programme = build_programme(produce.lazy_parts(job, clips), profile, clips.rate)
    x, _ = master_programme(programme, profile, 44100)
    return x[: 44100 * seconds], 44100


def encode(x: np.ndarray, rate: int, kbps: int, quality: int) -> tuple[bytes, float]:
    enc = lameenc.Encoder()
    enc.set_bit_rate(kbps)
    enc.set_in_sample_rate(rate)
    enc.set_out_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(quality)
    pcm = pcm16(x)
    started = time.process_time()
    data = bytes(enc.encode(pcm) + enc.flush())
    return data, time.process_time() - started


def pesq_wb(reference16: np.ndarray, data: bytes) -> tuple[float, float]:
    """Mean and worst PESQ-WB over 10-second segments of the decoded file."""
    from pesq import pesq

    seg = decode(data)
    y = dsp.resample(dsp.to_samples(seg), seg.frame_rate, 16000)
    probe = 16000 * 5
    lag = int(np.argmax(np.correlate(y[: probe + 4000], reference16[:probe], mode="valid")))
    y = y[lag: lag + reference16.size]
    n = 16000 * SEGMENT_S
    scores = [float(pesq(16000, reference16[i:i + n], y[i:i + n], "wb"))
              for i in range(0, min(reference16.size, y.size) - n + 1, n)]
    return float(np.mean(scores)), float(min(scores))


def main() -> None:
    args = bc.arg_parser(__doc__).parse_args()
    started = time.perf_counter()
    seconds = 60 if args.quick else 120
    x, rate = master(seconds)
    reference16 = dsp.resample(x, rate, 16000)
    results: dict[str, dict[str, dict[str, float]]] = {}
    rows = []
    for name, out_rate, kbps in SETTINGS:
        y = dsp.resample(x, rate, out_rate)
        results[name] = {}
        for q in QUALITIES:
            data, cpu = encode(y, out_rate, kbps, q)
            mean, worst = pesq_wb(reference16, data)
            per_min = cpu / (y.size / out_rate / 60)
            results[name][str(q)] = {"pesq_wb": mean, "pesq_wb_worst": worst,
                                     "cpu_s_per_min": per_min}
            rows.append([name, q, f"{mean:.3f}", f"{worst:.3f}", f"{per_min:.3f}"])
    for row in rows:  # cost relative to the baseline setting of the same profile
        base = results[row[0]][str(BASELINE)]["cpu_s_per_min"]
        row.append(f"{float(row[4]) / base:.2f}x")
    print(bc.table(rows, ["profile", "LAME q", "PESQ-WB", "worst", "CPU s/min", "/ q5"]))
    goals = []
    for name, *_ in SETTINGS:
        best = max(v["pesq_wb"] for v in results[name].values())
        ours = results[name][str(MP3_QUALITY)]
        base = results[name][str(BASELINE)]
        goals.append(bc.Goal(f"{name} q{MP3_QUALITY} PESQ-WB shortfall vs best",
                             best - ours["pesq_wb"], 0.05, unit=""))
        goals.append(bc.Goal(f"{name} q{MP3_QUALITY} CPU / q{BASELINE}",
                             ours["cpu_s_per_min"] / base["cpu_s_per_min"], 1.0))
    for g in goals:
        print(g.line())
    report: dict[str, Any] = {
        "machine": bc.machine_info(), "seconds": seconds, "product_quality": MP3_QUALITY,
        "baseline_quality": BASELINE, "results": results,
        "goals": [g.as_dict() for g in goals],
    }
    panels = [{"title": f"{name}: PESQ-WB (higher is better)",
               "labels": [f"q{q}" for q in QUALITIES],
               "values": [results[name][str(q)]["pesq_wb"] for q in QUALITIES],
               "fmt": "{:.2f}"} for name, *_ in SETTINGS]
    panels += [{"title": f"{name}: CPU / q{BASELINE}",
                "labels": [f"q{q}" for q in QUALITIES],
                "values": [results[name][str(q)]["cpu_s_per_min"]
                           / results[name][str(BASELINE)]["cpu_s_per_min"] for q in QUALITIES]}
               for name, *_ in SETTINGS]
    bc.finish("mp3_quality", report, panels, "LAME quality for speech", started)


if __name__ == "__main__":
    main()
