"""The files the demo school attaches to its rows: handout PDFs, course covers, a preview video.

All are generated, not stored in the repository, and the same input gives the same bytes.
"""

import io
import shutil
import subprocess
import tempfile
import textwrap
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


def preview_video_mp4() -> bytes | None:
    """A 10-second 640x360 H.264 test pattern with a silent AAC track, or None without ffmpeg."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "preview.mp4"
        command = [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30:duration=10",
            "-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=44100",
            "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", str(output),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, timeout=60, check=False)  # noqa: S603 - fixed arguments
        if result.returncode != 0 or not output.exists():
            return None
        return output.read_bytes()
