"""`bantin speak FILE -o out.mp3`: the pipeline without server, database or broker."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from audio.engines.registry import parse_chain
from audio.errors import PermanentEngineError, TransientEngineError
from service.document import build_document
from service.paste import parse_paste
from service.settings import Settings
from workers import render
from workers.context import local_chain
from workers.pipeline import Job, spoken_forms


def speak_file(settings: Settings, path: Path, output: Path, *, engine: str | None = None,
               voice: str = "north", rate: float = 1.0, progress: bool = True) -> int:
    try:
        engines = tuple(parse_chain(engine)) if engine else settings.tts_engines
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
    doc = build_document(parsed.title, parsed.lead, parsed.paragraphs, parsed.author)
    job = Job(0, doc, doc.sentences(), engines, voice, rate, parsed.title, parsed.author,
              parsed.published_at, "")
    spoken, warnings = spoken_forms(job)
    for w in warnings:
        print(f"cảnh báo: {w}", file=sys.stderr)
    bar = tqdm(total=len(spoken), unit="câu", disable=not progress, file=sys.stderr)

    def report(done: int) -> None:
        bar.update(done - bar.n)

    try:
        out = render.produce(local_chain(settings, engines), job, spoken, report)
    except (PermanentEngineError, TransientEngineError) as exc:
        bar.close()
        print(f"bantin speak: {exc}", file=sys.stderr)
        return 1
    bar.close()
    _ext, data = out.files["mp3"]
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(output)
    print(f"{output}: {out.duration_ms / 1000:.1f} s, {out.engine} ({out.engine_voice})",
          file=sys.stderr)
    return 0
