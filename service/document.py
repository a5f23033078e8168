"""A bulletin as the reader sees it: blocks in portal order, sentences with offsets.

The page and the worker must agree on what "sentence 12" is, so both build it here.
Offsets are Unicode code points into `Document.text`, the blocks joined by blank lines
(title, lead, each body paragraph, author) — the same text the reading page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from audio.text import split_sentences

BLOCK_SEP = "\n\n"


@dataclass(frozen=True)
class Block:
    kind: str  # title | lead | paragraph | author
    index: int  # position among all blocks
    text: str
    offset: int  # where the block starts in Document.text


@dataclass(frozen=True)
class Sentence:
    index: int
    block: int
    kind: str
    start: int  # into Document.text
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    blocks: list[Block]

    @property
    def text(self) -> str:
        return BLOCK_SEP.join(b.text for b in self.blocks)

    def sentences(self) -> list[Sentence]:
        out: list[Sentence] = []
        for block in self.blocks:
            if block.kind in ("title", "author"):
                spans = [(0, len(block.text), block.text)]  # a title is one unit
            else:
                spans = [(sp.start, sp.end, sp.text) for sp in split_sentences(block.text)]
            for start, end, text in spans:
                out.append(Sentence(len(out), block.index, block.kind,
                                    block.offset + start, block.offset + end, text))
        return out


def build_document(title: str, lead: str, paragraphs: list[str], author: str) -> Document:
    blocks: list[Block] = []
    offset = 0
    for kind, text in [("title", title), ("lead", lead),
                       *[("paragraph", p) for p in paragraphs], ("author", author)]:
        text = text.strip()
        if not text:
            continue
        blocks.append(Block(kind, len(blocks), text, offset))
        offset += len(text) + len(BLOCK_SEP)
    return Document(blocks)
