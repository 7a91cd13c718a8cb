"""Text from a photo or a scanned page, offline: RapidOCR (PP-OCR models run by
onnxruntime, shipped inside the pip wheel; nothing is downloaded).

The engine finds text boxes; we put them back into lines (boxes whose middles sit at the
same height, left to right) so the field rules read OCR text as they read a PDF's text
layer. PP-OCR sometimes drops the spaces between words set in large or italic type
("EthicsinRehabilitationPractice"); `respace` puts them back where the pieces are
dictionary words, and leaves names alone.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageOps

# Longest side the engine sees: enough for 10-point print on a letter page, and it keeps
# a 12-megapixel phone photo from costing four times as much for nothing.
MAX_SIDE = 2000
# With fewer boxes than this the page is probably on its side: try it turned.
FEW_BOXES = 6

# Text boxes grown by this much around what the detector found (RapidOCR's default is
# 1.6). At 1.6, lines set 13 points apart in 10-point type (the small print of
# designation statements) were lost: their boxes came out too thin to read. Measured with
# `make eval-capture` on two seeds of photos: 81.2% / 83.5% of fields at 1.6, 90.2% /
# 94.0% at 2.0, 91.7% / 90.2% at 2.2, 82.7% at 2.5 (decision 32).
DETECTION = {"unclip_ratio": 2.0}

_engine = None
_lock = threading.Lock()


def _ocr():
    global _engine
    with _lock:
        if _engine is None:
            from rapidocr_onnxruntime import RapidOCR

            _engine = RapidOCR()
        return _engine


@dataclass(frozen=True)
class Box:
    top: float
    bottom: float
    left: float
    text: str

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _boxes(image: Image.Image) -> list[Box]:
    import numpy

    result, _ = _ocr()(numpy.asarray(image), **DETECTION)
    found = [(numpy.array(corners, dtype=float), text) for corners, text, _ in result or ()]
    # A photo is rarely square to the page: turn the boxes back by the page's slant (the
    # median slope of the wide boxes' top edges) so that a line's boxes share a height.
    slopes = [
        numpy.arctan2(q[1][1] - q[0][1], q[1][0] - q[0][0])
        for q, _ in found
        if (q[1][0] - q[0][0]) > 2 * abs(q[3][1] - q[0][1])
    ]
    angle = float(numpy.median(slopes)) if slopes else 0.0
    turn = numpy.array(
        [[numpy.cos(-angle), -numpy.sin(-angle)], [numpy.sin(-angle), numpy.cos(-angle)]]
    )
    boxes = []
    for corners, text in found:
        straight = corners @ turn.T
        boxes.append(Box(straight[:, 1].min(), straight[:, 1].max(), straight[:, 0].min(), text))
    return boxes


def lines_of(boxes: list[Box]) -> list[str]:
    """Boxes grouped into lines top to bottom, each line's boxes left to right."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.middle):
        last = lines[-1] if lines else None
        if last and abs(box.middle - last[-1].middle) < 0.5 * max(box.height, last[-1].height):
            last.append(box)
        else:
            lines.append([box])
    return [" ".join(b.text for b in sorted(line, key=lambda b: b.left)) for line in lines]


def prepared(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image).convert("RGB")
    side = max(image.size)
    if side > MAX_SIDE:
        scale = MAX_SIDE / side
        image = image.resize((round(image.width * scale), round(image.height * scale)))
    return image


def image_text(image: Image.Image) -> str:
    """The text of a photographed or scanned certificate, line by line."""
    image = prepared(image)
    boxes = _boxes(image)
    if len(boxes) < FEW_BOXES:
        for turned in (image.rotate(90, expand=True), image.rotate(270, expand=True)):
            other = _boxes(turned)
            if len(other) > len(boxes):
                boxes = other
    return "\n".join(respace(line) for line in lines_of(boxes))


# --- spaces that OCR dropped ----------------------------------------------------------

_SHORT_WORDS = ("of", "in", "on", "at", "by", "is", "for", "and", "the", "to", "a", "an", "this")
# Where OCR glued words: "theAccreditation", "19.25AMA", "AOACategory".
_GLUE = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=[\d.])(?=[A-Za-z])|(?<=[A-Z])(?=[A-Z][a-z]{2})"
)
# Mixed-case words that are whole as they are.
_WHOLE = re.compile(r"^(?:PhD|PharmD|DPT|MSc|BSc|DNP|Ma?c[A-Z][a-z]+|[A-Z]{1,3}-[A-Z])[.,;:]?$")
_PUNCTUATION = (
    (re.compile(r"(?<=[A-Za-z]),(?=[A-Za-z0-9])"), ", "),  # "Austin,TX", "Okafor,MD"
    (re.compile(r"(?<=\d),(?=\d{4}(?!\d))"), ", "),  # "May 4,2025"
    (re.compile(r"(?<=[A-Za-z]):(?=\S)"), ": "),  # "Location:Austin"
    (re.compile(r"(?<=[a-z)™])\.(?=[A-Z])"), ". "),  # "Credit(s)TM.Physicians"
    (re.compile(r"(?<=[a-z])\((?!s\))"), " ("),  # "Education(ACCME)", not "Credit(s)"
    (re.compile(r"\)(?=[a-z])"), ") "),
    (re.compile(r"\|"), " | "),
    (re.compile(r"A ?M ?A ?P ?R ?A"), "AMA PRA"),  # "AM APR A", "AMAPRA"
    (re.compile(r"\(s\) ?TM"), "(s)™"),
    (re.compile(r"Credits ?TM"), "Credits™"),
    (re.compile(r"(?<=\d-[AB])(?=[a-z])"), " "),  # "1-Acredits"
)


def _dictionary() -> dict[str, float]:
    import wordninja

    return wordninja.DEFAULT_LANGUAGE_MODEL._wordcost


def _known(word: str) -> bool:
    return word.lower() in _dictionary()


def _split_piece(piece: str) -> list[str]:
    letters = piece.strip(".,;:()\"'")
    if len(letters) < 6 or not letters.isalpha() or _known(letters):
        return [piece]
    lower = letters.lower()
    lead = len(piece) - len(piece.lstrip(".,;:()\"'"))
    # A short word glued to a known word: "Ethicsin", "ofContinuing", "Centeris".
    for short in _SHORT_WORDS:
        rest = len(lower) - len(short)
        if rest >= 4 and lower.endswith(short) and _known(lower[:rest]):
            return [piece[: lead + rest], piece[lead + rest :]]
        if rest >= 4 and lower.startswith(short) and _known(lower[len(short) :]):
            return [piece[: lead + len(short)], piece[lead + len(short) :]]
    if len(letters) >= 12:  # shorter unknown words are mostly names ("Harborview")
        import wordninja

        parts = wordninja.split(letters)
        if len(parts) > 1 and all(len(part) > 1 or part.lower() == "a" for part in parts):
            cuts, position = [], lead
            for part in parts:
                cuts.append(piece[position : position + len(part)])
                position += len(part)
            cuts[0], cuts[-1] = piece[:lead] + cuts[0], cuts[-1] + piece[position:]
            return cuts
    return [piece]


def respace(line: str) -> str:
    """Put back the spaces OCR dropped between words; names and codes stay as they are."""
    line = unicodedata.normalize("NFKC", line)
    line = " ".join(t if _WHOLE.match(t) else _GLUE.sub(" ", t) for t in line.split())
    for pattern, replacement in _PUNCTUATION:
        line = pattern.sub(replacement, line)
    words = []
    for token in line.split():
        words.extend(_split_piece(token))
    return " ".join(word for word in words if word)
