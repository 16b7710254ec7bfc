"""The strict WebVTT reader: cues out of good files, the wrong line named in bad ones."""

import pytest

from bds.demo.files import DEMO_CLIPS
from lessons.webvtt import Cue, WebVTTError, webvtt_cues

GOOD = """WEBVTT - lesson 1

NOTE written for the demo

intro
00:00.000 --> 00:04.500 line:90%
Before <b>every</b> flight,
walk around the aircraft.

01:00:02.250 --> 01:00:03.000
Done.
"""


def test_cues_carry_times_and_plain_text():
    assert webvtt_cues(GOOD) == [
        Cue(start=0.0, end=4.5, text="Before every flight,\nwalk around the aircraft."),
        Cue(start=3602.25, end=3603.0, text="Done."),
    ]


def test_windows_line_endings_and_a_byte_order_mark_are_read():
    assert len(webvtt_cues("\ufeff" + GOOD.replace("\n", "\r\n"))) == 2


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("WEBVT\n\n00:01.000 --> 00:02.000\nHi\n", 1, "starts with"),
        ("WEBVTT\n\n00:01.000 -> 00:02.000\nHi\n", 3, "expected cue timings"),
        ("WEBVTT\n\n00:01.000 --> 00:02.00\nHi\n", 3, "malformed cue timings"),
        ("WEBVTT\n\n00:01.000 --> 00:61.000\nHi\n", 3, "malformed cue timings"),
        ("WEBVTT\n\n00:05.000 --> 00:02.000\nHi\n", 3, "ends before it starts"),
        ("WEBVTT\n\n00:05.000 --> 00:06.000\nA\n\n00:01.000 --> 00:02.000\nB\n", 6, "in order"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nA\n00:02.000 --> 00:03.000\nB\n", 5, "blank line missing"),
        ("WEBVTT\n00:01.000 --> 00:02.000\nHi\n", 2, "blank line must follow"),
        ("WEBVTT\n\nidentifier only\nno timings here\n", 4, "expected cue timings"),
    ],
)
def test_a_malformed_file_is_refused_with_the_line_that_is_wrong(text, line, words):
    with pytest.raises(WebVTTError) as error:
        webvtt_cues(text)
    assert error.value.line == line
    assert str(error.value).startswith(f"Line {line}: ") and words in str(error.value)


@pytest.mark.parametrize("clip", DEMO_CLIPS, ids=lambda clip: clip.name)
def test_the_demo_captions_are_valid_and_fit_their_clip(clip):
    cues = webvtt_cues(clip.captions_path.read_text())
    assert cues and cues[-1].end <= clip.seconds
