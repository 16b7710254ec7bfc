"""The files the demo school attaches to its rows: handout PDFs and course covers (generated, the
same input giving the same bytes) and the preview lessons' short video clips (committed under videos/)."""

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path


def material_pdf(spec: dict) -> bytes:
    """A one-page PDF handout: title, a line of context, and checklist sections."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=True)  # invariant: same bytes every run
    pdf.setTitle(spec["title"])
    pdf.setAuthor("Boston Drone School")
    width, height = letter
    pdf.setFillColor(HexColor("#0b3d5c"))
    pdf.rect(0, height - 72, width, 72, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(48, height - 44, spec["title"])
    pdf.setFont("Helvetica", 9)
    pdf.drawString(48, height - 62, "Boston Drone School  |  bostondroneschool.test")
    pdf.setFillColor(HexColor("#1d2733"))
    y = height - 100
    pdf.setFont("Helvetica-Oblique", 10)
    for line in textwrap.wrap(spec["intro"], 100):
        pdf.drawString(48, y, line)
        y -= 14
    for section in spec["sections"]:
        heading, items = section["heading"], section["items"]
        y -= 10
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(48, y, heading)
        y -= 18
        pdf.setFont("Helvetica", 10)
        for item in items:
            lines = textwrap.wrap(item, 92)
            pdf.rect(50, y - 1, 8, 8, stroke=1, fill=0)
            for line in lines:
                pdf.drawString(66, y, line)
                y -= 13
            y -= 3
    pdf.setFont("Helvetica", 8)
    pdf.drawString(
        48, 36, "Training aid only. The regulations (14 CFR Part 107) and your aircraft's manual take precedence."
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def cover_png(slug: str, colours: tuple[str, str]) -> bytes:
    """A 1200x630 cover (the OpenGraph size): a gradient in the category's two colours (top, bottom),
    contour lines like a topographic map and a dashed flight path. Decorative only, no text; the same
    slug draws the same picture."""
    import random

    from PIL import Image, ImageColor, ImageDraw

    width, height = 1200, 630
    top, bottom = (ImageColor.getrgb(colour) for colour in colours)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        mix = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(round(a + (b - a) * mix) for a, b in zip(top, bottom, strict=True)))
    pattern = random.Random(slug)  # noqa: S311 - a seeded pattern for a picture, not a secret
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    lines = ImageDraw.Draw(overlay)
    for _ in range(3):
        cx, cy = pattern.randrange(width), pattern.randrange(height)
        for ring in range(1, 9):
            rx, ry = ring * pattern.randint(28, 40), ring * pattern.randint(18, 30)
            lines.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], outline=(255, 255, 255, 38), width=2)
    path = [(x, height * 0.7 - pattern.randint(0, 260)) for x in range(-50, width + 100, 150)]
    for start, end in zip(path, path[1:], strict=False):
        for step in range(0, 10, 2):
            a, b = step / 10, (step + 1) / 10
            lines.line(
                [
                    (start[0] + (end[0] - start[0]) * a, start[1] + (end[1] - start[1]) * a),
                    (start[0] + (end[0] - start[0]) * b, start[1] + (end[1] - start[1]) * b),
                ],
                fill=(255, 255, 255, 150),
                width=4,
            )
    x, y = path[-3]
    for dx, dy in ((-22, -22), (22, -22), (-22, 22), (22, 22)):  # a quadcopter seen from above
        lines.line([(x, y), (x + dx, y + dy)], fill=(255, 255, 255, 230), width=5)
        lines.ellipse([x + dx - 14, y + dy - 14, x + dx + 14, y + dy + 14], outline=(255, 255, 255, 230), width=3)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# Short clips made by bds/demo/videos/make_clips.sh and committed with the demo data, so the demo
# plays real video (with English captions beside each clip) on a machine without ffmpeg. The
# seconds are the clips' real durations (tests/foundation/test_seed_demo.py reads them back).
DEMO_VIDEO_FOLDER = Path(__file__).resolve().parent / "videos"


@dataclass(frozen=True)
class DemoClip:
    name: str
    seconds: int

    @property
    def video_path(self) -> Path:
        return DEMO_VIDEO_FOLDER / f"{self.name}.mp4"

    @property
    def captions_path(self) -> Path:
        return DEMO_VIDEO_FOLDER / f"{self.name}.en.vtt"


DEMO_CLIPS = (
    DemoClip("preflight-walkaround", 48),
    DemoClip("airspace-at-a-glance", 42),
    DemoClip("camera-exposure", 36),
)
