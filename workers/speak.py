"""`bantin speak FILE -o out.mp3`: the pipeline without server, database or broker."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from audio.errors import PermanentEngineError, TransientEngineError
from audio.vocabulary import parse_engines
from service.paste import parse_paste
from service.settings import Settings
from workers.context import local_chain
from workers.job import new_job
from workers.produce import produce_web


def speak_file(settings: Settings, path: Path, output: Path, *, engine: str | None = None,
               voice: str = "north", rate: float = 1.0, progress: bool = True) -> int:
    try:
        engines = parse_engines(engine) if engine else settings.tts_engines
    except ValueError as exc:
        print(f"bantin speak: --engine: {exc}", file=sys.stderr)
        return 2
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"bantin speak: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    parsed = parse_paste(text)
    if not parsed.title:
        print(f"bantin speak: {path} has no text", file=sys.stderr)
        return 2
    job = new_job(0, parsed.title, parsed.lead, parsed.paragraphs, parsed.author,
                  engines=engines, voice=voice, rate=rate, published_at=parsed.published_at)
    job = job.spoken_all()
    for w in job.warnings:
        print(f"cảnh báo: {w}", file=sys.stderr)
    bar = tqdm(total=len(job.sentences), unit="câu", disable=not progress, file=sys.stderr)

    def report(done: int) -> None:
        bar.update(done - bar.n)

    try:
        out = produce_web(local_chain(settings, engines), job, report)
    except (PermanentEngineError, TransientEngineError) as exc:
        bar.close()
        print(f"bantin speak: {exc}", file=sys.stderr)
        return 1
    bar.close()
    data = out.files[0].data
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(output)
    print(f"{output}: {out.duration_ms / 1000:.1f} s, {out.engine} ({out.engine_voice})",
          file=sys.stderr)
    return 0
