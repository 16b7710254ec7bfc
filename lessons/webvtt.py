"""A small strict WebVTT reader: the cues of a caption file, or the first line that is wrong.

Enough of https://www.w3.org/TR/webvtt1/ for instructors' caption uploads and the transcript panel:
the "WEBVTT" header, NOTE/STYLE/REGION blocks skipped, optional cue identifiers, timings
`[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]` with the end after the start, and cue text.
"""

import re
from dataclasses import dataclass

TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
TIMING = re.compile(rf"^{TIMESTAMP}[ \t]+-->[ \t]+{TIMESTAMP}(?:[ \t]+.*)?$")
TAG = re.compile(r"<[^>]*>")


class WebVTTError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(f"Line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str  # without markup tags, lines joined by a newline


def _seconds(hours, minutes, seconds, millis) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def webvtt_cues(text: str) -> list[Cue]:
    """The cues in order; WebVTTError names the (1-based) line that breaks the format."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise WebVTTError(1, 'a WebVTT file starts with "WEBVTT".')
    cues: list[Cue] = []
    number = 1
    # The header's own lines run to the first blank line.
    while number < len(lines) and lines[number].strip():
        if "-->" in lines[number]:
            raise WebVTTError(number + 1, "a blank line must follow the WEBVTT header before the first cue.")
        number += 1
    while number < len(lines):
        if not lines[number].strip():
            number += 1
            continue
        block_start = number
        block = []
        while number < len(lines) and lines[number].strip():
            block.append(lines[number])
            number += 1
        first = block[0]
        if first.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in first:
            if cues and not first.startswith("NOTE"):
                raise WebVTTError(block_start + 1, f"a {first.split()[0]} block must come before the first cue.")
            continue
        # A first line that starts like a timestamp is meant as the timings, not an identifier.
        timing_index = 0 if "-->" in first or re.match(r"^\d+:\d", first) else 1
        if timing_index >= len(block) or "-->" not in block[timing_index]:
            raise WebVTTError(
                block_start + timing_index + 1, 'expected cue timings like "00:00:01.000 --> 00:00:04.000".'
            )
        match = TIMING.match(block[timing_index].strip())
        if not match:
            raise WebVTTError(
                block_start + timing_index + 1,
                f'malformed cue timings "{block[timing_index].strip()}" (expected "00:00:01.000 --> 00:00:04.000").',
            )
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        if end <= start:
            raise WebVTTError(block_start + timing_index + 1, "the cue ends before it starts.")
        if cues and start < cues[-1].start:
            raise WebVTTError(block_start + timing_index + 1, "cues must be in order of their start times.")
        body = block[timing_index + 1 :]
        for offset, line in enumerate(body, start=block_start + timing_index + 2):
            if "-->" in line:
                raise WebVTTError(offset, 'cue text cannot contain "-->": is a blank line missing before it?')
        cues.append(Cue(start=start, end=end, text="\n".join(TAG.sub("", line) for line in body).strip()))
    return cues
